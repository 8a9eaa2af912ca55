package dev.tokenplane.store;

/**
 * What a bucket is created from, and reset to when its {@code generation} changes: the parameters of the rule that
 * matches it, or of an operator's override.
 *
 * <p>A spec travels with each request and is not stored in the bucket: the bucket keeps only its effective capacity
 * and rate (which the sizing loop may change) and the generation it was last reset from. When the caller passes a spec
 * with another generation (the rule or override changed), the bucket takes the spec's capacity and rate, keeping its
 * tokens clamped to the new capacity.
 *
 * @param capacity      tokens, in [1, {@link Tokens#MAX_CAPACITY}]
 * @param ratePerMilli  refill in nanotokens per millisecond (see {@link Tokens#ratePerMilli(double)}), at least 1
 * @param algorithm     token bucket or leaky bucket
 * @param generation    changes whenever the rule or override behind the spec changes
 * @param idleTtlMillis how long a bucket may stay unused before it may be evicted; 0 means never
 */
public record BucketSpec(long capacity, long ratePerMilli, Algorithm algorithm, long generation, long idleTtlMillis) {

    public BucketSpec {
        if (capacity < 1 || capacity > Tokens.MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity must be in [1, " + Tokens.MAX_CAPACITY + "], was " + capacity);
        }
        if (ratePerMilli < 1 || ratePerMilli > Tokens.ratePerMilli(Tokens.MAX_REFILL_PER_SECOND)) {
            throw new IllegalArgumentException("ratePerMilli out of range: " + ratePerMilli);
        }
        if (algorithm == null) {
            throw new IllegalArgumentException("algorithm is required");
        }
        if (idleTtlMillis < 0) {
            throw new IllegalArgumentException("idleTtlMillis must be >= 0, was " + idleTtlMillis);
        }
    }

    /**
     * Throws {@link IllegalArgumentException} unless a bucket may have {@code capacity} and {@code ratePerMilli}: what a
     * store checks on the caller's side before a resize, so the caller sees the message rather than the bucket's owner.
     */
    public static void checkSize(long capacity, long ratePerMilli) {
        new BucketSpec(capacity, ratePerMilli, Algorithm.TOKEN_BUCKET, 0, 0);
    }

    /** A token bucket of {@code capacity} tokens refilling at {@code refillPerSecond}, generation 0, no idle expiry. */
    public static BucketSpec of(long capacity, double refillPerSecond) {
        return new BucketSpec(capacity, Tokens.ratePerMilli(refillPerSecond), Algorithm.TOKEN_BUCKET, 0, 0);
    }

    public BucketSpec withAlgorithm(Algorithm newAlgorithm) {
        return new BucketSpec(capacity, ratePerMilli, newAlgorithm, generation, idleTtlMillis);
    }

    public BucketSpec withGeneration(long newGeneration) {
        return new BucketSpec(capacity, ratePerMilli, algorithm, newGeneration, idleTtlMillis);
    }

    public BucketSpec withIdleTtlMillis(long newIdleTtlMillis) {
        return new BucketSpec(capacity, ratePerMilli, algorithm, generation, newIdleTtlMillis);
    }

    /** The refill in tokens per second. */
    public double refillPerSecond() {
        return Tokens.perSecond(ratePerMilli);
    }
}
