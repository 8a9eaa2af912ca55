package dev.tokenplane.store;

/**
 * Fixed-point token arithmetic. One token is {@link #SCALE} nanotokens; a rate is nanotokens per millisecond.
 *
 * <p>The limits keep every sum the bucket maths forms inside a {@code long}: a bucket holds at most
 * {@link #MAX_CAPACITY} tokens (10<sup>18</sup> nanotokens), its queue of reservations is at most as deep again, and
 * refill is computed only up to the room left, so no product overflows whatever the elapsed time.
 */
public final class Tokens {
    /** Nanotokens per token. */
    public static final long SCALE = 1_000_000_000L;
    /** The largest capacity a bucket may have, in tokens. */
    public static final long MAX_CAPACITY = 1_000_000_000L;
    /** The largest refill a bucket may have, in tokens per second. */
    public static final double MAX_REFILL_PER_SECOND = 1_000_000_000d;
    /** The smallest refill a bucket may have, in tokens per second (one nanotoken per millisecond). */
    public static final double MIN_REFILL_PER_SECOND = 1e-6;

    private Tokens() {}

    /** Whole tokens to nanotokens. */
    public static long toNano(long tokens) {
        return Math.multiplyExact(tokens, SCALE);
    }

    /** Nanotokens to whole tokens, rounded down; negative amounts (reservations) count as zero. */
    public static long wholeTokens(long nanotokens) {
        return nanotokens <= 0 ? 0 : nanotokens / SCALE;
    }

    /**
     * A refill rate in tokens per second to nanotokens per millisecond, rounded to the nearest.
     *
     * @throws IllegalArgumentException outside [{@link #MIN_REFILL_PER_SECOND}, {@link #MAX_REFILL_PER_SECOND}]
     */
    public static long ratePerMilli(double refillPerSecond) {
        if (!(refillPerSecond >= MIN_REFILL_PER_SECOND && refillPerSecond <= MAX_REFILL_PER_SECOND)) {
            throw new IllegalArgumentException("refillPerSecond must be in [" + MIN_REFILL_PER_SECOND + ", "
                    + MAX_REFILL_PER_SECOND + "], was " + refillPerSecond);
        }
        return Math.max(1, Math.round(refillPerSecond * 1_000_000d));
    }

    /** A rate in nanotokens per millisecond back to tokens per second. */
    public static double perSecond(long ratePerMilli) {
        return ratePerMilli / 1_000_000d;
    }

    /** Milliseconds until {@code deficit} nanotokens have been refilled at {@code ratePerMilli}, rounded up. */
    public static long millisToRefill(long deficit, long ratePerMilli) {
        if (deficit <= 0) {
            return 0;
        }
        return Math.floorDiv(deficit - 1, ratePerMilli) + 1;
    }
}
