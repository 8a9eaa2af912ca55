package dev.tokenplane.store;

/**
 * The live state of one bucket: immutable, small, and free of any copy of its rule.
 *
 * <p>{@link BucketMath} computes every next state from this one and the current time; stores swap states atomically
 * (compare-and-set locally, an entry processor on the owning Hazelcast member).
 *
 * @param tokens        nanotokens held; negative while reservations are outstanding (the queue of waiting requests)
 * @param lastRefillAt  epoch millis up to which refill has been applied; never moves backwards, and doubles as the time
 *                      of last use for idle expiry
 * @param capacity      effective capacity in tokens (the sizing loop or an override may have changed it)
 * @param ratePerMilli  effective refill in nanotokens per millisecond
 * @param algorithm     token bucket or leaky bucket
 * @param generation    the generation of the spec the bucket was last reset from
 * @param idleTtlMillis idle time after which the bucket may be evicted; 0 means never
 * @param attempted     tokens requested since {@code windowStart}
 * @param granted       tokens granted since {@code windowStart}
 * @param windowStart   epoch millis the demand counters were last drained at
 * @param transfers     the last transfer steps applied, for idempotent retries; null for a bucket that never took part
 */
public record BucketState(long tokens, long lastRefillAt, long capacity, long ratePerMilli, Algorithm algorithm,
                          long generation, long idleTtlMillis, long attempted, long granted, long windowStart,
                          TransferLog transfers) {

    /** The most nanotokens this bucket holds: its capacity, or one token for a leaky bucket. */
    public long burstNanos() {
        return algorithm == Algorithm.LEAKY_BUCKET ? Tokens.SCALE : capacity * Tokens.SCALE;
    }

    /** The deepest the bucket may go into reservations, in nanotokens: one capacity's worth. */
    public long queueBoundNanos() {
        return capacity * Tokens.SCALE;
    }

    /** Whole tokens available now (without refill), reservations counting as none. */
    public long wholeTokens() {
        return Tokens.wholeTokens(tokens);
    }

    /** The refill in tokens per second. */
    public double refillPerSecond() {
        return Tokens.perSecond(ratePerMilli);
    }

    BucketState withTokens(long newTokens, long at) {
        return new BucketState(newTokens, at, capacity, ratePerMilli, algorithm, generation, idleTtlMillis, attempted,
                granted, windowStart, transfers);
    }

    /** One allocation for the hot path: tokens taken and both counters moved. */
    BucketState afterGrant(long newTokens, long newAttempted, long newGranted) {
        return new BucketState(newTokens, lastRefillAt, capacity, ratePerMilli, algorithm, generation, idleTtlMillis,
                newAttempted, newGranted, windowStart, transfers);
    }

    BucketState withCounters(long newAttempted, long newGranted, long newWindowStart) {
        return new BucketState(tokens, lastRefillAt, capacity, ratePerMilli, algorithm, generation, idleTtlMillis,
                newAttempted, newGranted, newWindowStart, transfers);
    }

    BucketState withTransfer(long transferId, long amount) {
        return new BucketState(tokens, lastRefillAt, capacity, ratePerMilli, algorithm, generation, idleTtlMillis,
                attempted, granted, windowStart, TransferLog.append(transfers, transferId, amount));
    }

    BucketState withParameters(long newCapacity, long newRatePerMilli, Algorithm newAlgorithm, long newGeneration,
                               long newIdleTtlMillis) {
        BucketState changed = new BucketState(tokens, lastRefillAt, newCapacity, newRatePerMilli, newAlgorithm,
                newGeneration, newIdleTtlMillis, attempted, granted, windowStart, transfers);
        return changed.withTokens(Math.min(tokens, changed.burstNanos()), lastRefillAt);
    }
}
