package dev.tokenplane.transfer;

import dev.tokenplane.store.Priority;

/**
 * A bucket that wants tokens from its pool in this window.
 *
 * @param key         the bucket key
 * @param demandNanos nanotokens it wants (its shortfall), at least 0; give no more than the bucket can hold, since a
 *                    credit above its burst is refused and goes back to the lender
 * @param weight      its weight in the pool, in weight units (see {@link TransferSettings#weightUnits()}), at least 1
 * @param region      where it runs; lenders in the same region are preferred. Empty when unknown
 * @param canBorrow   whether it may receive tokens at all; a bucket that may not is never credited
 * @param pressure    how near empty it is relative to its demand, in [0, 1] (see {@link #pressureOf(long, long)});
 *                    higher pressure is served first
 * @param priority    the highest class of the requests that made it borrow; higher classes are served first
 */
public record Borrower(
        String key,
        long demandNanos,
        long weight,
        String region,
        boolean canBorrow,
        double pressure,
        Priority priority) {

    /** A borrower for requests of the default class. */
    public Borrower(String key, long demandNanos, long weight, String region, boolean canBorrow, double pressure) {
        this(key, demandNanos, weight, region, canBorrow, pressure, Priority.DEFAULT);
    }

    /** The same borrower for requests of class {@code newPriority}. */
    public Borrower withPriority(Priority newPriority) {
        return new Borrower(key, demandNanos, weight, region, canBorrow, pressure, newPriority);
    }

    public Borrower {
        if (priority == null) {
            throw new IllegalArgumentException("priority is required");
        }
        Lender.requireKey(key);
        if (demandNanos < 0) {
            throw new IllegalArgumentException("demandNanos must be >= 0, was " + demandNanos);
        }
        if (weight < 1 || weight > TransferSettings.MAX_WEIGHT_UNITS) {
            throw new IllegalArgumentException(
                    "weight must be in [1, " + TransferSettings.MAX_WEIGHT_UNITS + "] weight units, was " + weight);
        }
        if (region == null) {
            throw new IllegalArgumentException("region is required (empty when unknown)");
        }
        if (!(pressure >= 0 && pressure <= 1)) {
            throw new IllegalArgumentException("pressure must be in [0, 1], was " + pressure);
        }
    }

    /**
     * Pressure from what a bucket holds and what it wants: {@code demand / (demand + max(0, held))}. 1 for an empty
     * bucket with demand, 0 without demand; a bucket holding as much as it still wants has 0.5.
     */
    public static double pressureOf(long heldNanos, long demandNanos) {
        if (demandNanos <= 0) {
            return 0;
        }
        return demandNanos / ((double) demandNanos + Math.max(0, heldNanos));
    }
}
