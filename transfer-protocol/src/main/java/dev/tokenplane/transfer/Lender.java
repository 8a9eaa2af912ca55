package dev.tokenplane.transfer;

import dev.tokenplane.store.Tokens;

/**
 * A snapshot of a bucket that may lend. What it may lend is its <em>spare</em>: the tokens above its reserve.
 *
 * <p>The reserve is {@code reserveFraction} of its capacity, held at a resolution of one part per million so that the
 * floor is exact in nanotokens: {@code reserveNanos = capacity · round(reserveFraction · 10^6) · 10^3}. The same floor
 * goes with every debit (see {@link Move#lenderFloorNanos()}), so the store enforces it atomically even when the
 * snapshot is stale.
 *
 * @param key             the bucket key
 * @param tokensNanos     nanotokens it held when the snapshot was taken (negative while reservations are queued)
 * @param capacity        its capacity in tokens, in [1, {@link Tokens#MAX_CAPACITY}]
 * @param reserveFraction the fraction of its capacity it keeps for itself, in [0, 1]
 * @param region          where it runs. Empty when unknown
 * @param canLend         whether it may lend at all
 */
public record Lender(
        String key, long tokensNanos, long capacity, double reserveFraction, String region, boolean canLend) {

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
    }

    /** The floor the lender never goes below, nanotokens: exact (see the class comment). */
    public long reserveNanos() {
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
