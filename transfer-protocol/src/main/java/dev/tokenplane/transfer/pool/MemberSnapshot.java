package dev.tokenplane.transfer.pool;

import dev.tokenplane.store.BucketState;

/**
 * One bucket of a pool as the sizing tick sees it.
 *
 * @param key         the bucket key
 * @param tokensNanos nanotokens it holds (refilled up to now; negative while reservations are queued)
 * @param capacity    its capacity in tokens
 * @param burstNanos  the most it can hold (its capacity, or one token for a leaky bucket)
 * @param demandNanos the demand it could not serve in the last window (attempted minus granted), nanotokens
 */
public record MemberSnapshot(String key, long tokensNanos, long capacity, long burstNanos, long demandNanos) {

    public MemberSnapshot {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is required");
        }
        if (capacity < 1 || burstNanos < 0 || demandNanos < 0) {
            throw new IllegalArgumentException("capacity must be >= 1, burstNanos and demandNanos >= 0; were "
                    + capacity + ", " + burstNanos + ", " + demandNanos);
        }
    }

    /** The snapshot of {@code state}, with the demand it could not serve. */
    public static MemberSnapshot of(String key, BucketState state, long unservedDemandNanos) {
        return new MemberSnapshot(key, state.tokens(), state.capacity(), state.burstNanos(), unservedDemandNanos);
    }

    /** How much it could take in: {@code max(0, burst - tokens)}. */
    public long roomNanos() {
        return Math.max(0, burstNanos - tokensNanos);
    }
}
