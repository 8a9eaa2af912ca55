package dev.tokenplane.transfer;

import dev.tokenplane.store.Tokens;

/**
 * A snapshot of a bucket that may lend. What it may lend is its <em>spare</em>: the tokens above its reserve.
 *
 * <p>The reserve is the larger of {@code reserveFraction} of its capacity and its forecast demand over the pool's
 * horizon ({@link LendingReserve}): a lender whose demand is forecast to rise lends less. The fraction is held at a
 * resolution of one part per million so that the floor is exact in nanotokens: {@code capacity · round(reserveFraction
 * · 10^6) · 10^3}. The same floor goes with every debit (see {@link Move#lenderFloorNanos()}), so the store enforces it
 * atomically even when the snapshot is stale.
 *
 * @param key             the bucket key
 * @param tokensNanos     nanotokens it held when the snapshot was taken (negative while reservations are queued)
 * @param capacity        its capacity in tokens, in [1, {@link Tokens#MAX_CAPACITY}]
 * @param reserveFraction the fraction of its capacity it keeps for itself, in [0, 1]
 * @param region          where it runs. Empty when unknown
 * @param canLend         whether it may lend at all
 * @param forecastNanos   its forecast demand over the horizon, nanotokens, at least 0 ({@link
 *                        LendingReserve#forecastNanos}; 0 without a forecast)
 */
public record Lender(
        String key,
        long tokensNanos,
        long capacity,
        double reserveFraction,
        String region,
        boolean canLend,
        long forecastNanos) {

    /** Parts per million: the resolution of a reserve fraction. */
    public static final long PPM = 1_000_000;

    public Lender {
        requireKey(key);
        if (capacity < 1 || capacity > Tokens.MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be in [1, " + Tokens.MAX_CAPACITY + "], was " + capacity);
        }
        TransferSettings.requireFraction("reserveFraction", reserveFraction);
        if (region == null) {
            throw new IllegalArgumentException("region is required (empty when unknown)");
        }
        if (forecastNanos < 0) {
            throw new IllegalArgumentException("forecastNanos must be >= 0, was " + forecastNanos);
        }
    }

    /** A lender without a forecast: its reserve is the configured fraction. */
    public Lender(String key, long tokensNanos, long capacity, double reserveFraction, String region, boolean canLend) {
        this(key, tokensNanos, capacity, reserveFraction, region, canLend, 0);
    }

    /** The floor the lender never goes below, nanotokens: exact (see the class comment). */
    public long reserveNanos() {
        return LendingReserve.reserveNanos(configuredReserveNanos(), forecastNanos, capacity);
    }

    /** {@code reserveFraction} of its capacity, nanotokens. */
    public long configuredReserveNanos() {
        return capacity * Math.round(reserveFraction * PPM) * (Tokens.SCALE / PPM);
    }

    /** Nanotokens it may lend now: {@code max(0, tokens - reserve)}, or 0 when it may not lend. */
    public long spareNanos() {
        return canLend ? Math.max(0, tokensNanos - reserveNanos()) : 0;
    }

    static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is required");
        }
    }
}
