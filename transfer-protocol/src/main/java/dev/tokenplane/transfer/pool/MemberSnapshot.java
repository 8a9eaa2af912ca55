package dev.tokenplane.transfer.pool;

import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.Lender;
import dev.tokenplane.transfer.TransferSettings;

/**
 * One bucket of a pool as the sizing tick sees it.
 *
 * @param key         the bucket key
 * @param tokensNanos nanotokens it holds (refilled up to now; negative while reservations are queued)
 * @param capacity    its capacity in tokens
 * @param burstNanos  the most it can hold (its capacity, or one token for a leaky bucket)
 * @param demandNanos   the demand it could not serve in the last window (attempted minus granted), nanotokens
 * @param forecastNanos its forecast demand over the pool's horizon, nanotokens: what it keeps when it lends
 *                      ({@link dev.tokenplane.transfer.LendingReserve}); 0 without a forecast
 * @param borrowLimitPerSecond the sizing loop's borrow limit for the bucket until its next decision, tokens per second
 *                      ({@code SizingPolicy.borrowLimitPerSecond}: 0 while its server is too loaded to grow); null for
 *                      no limit (a fixed-size rule, no load signal, not sized yet, or a member that does not send it)
 */
public record MemberSnapshot(
        String key,
        long tokensNanos,
        long capacity,
        long burstNanos,
        long demandNanos,
        long forecastNanos,
        Double borrowLimitPerSecond) {

    public MemberSnapshot {
        if (borrowLimitPerSecond != null && !(borrowLimitPerSecond >= 0)) {
            throw new IllegalArgumentException("borrowLimitPerSecond must be >= 0, was " + borrowLimitPerSecond);
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("key is required");
        }
        if (capacity < 1 || burstNanos < 0 || demandNanos < 0 || forecastNanos < 0) {
            throw new IllegalArgumentException(
                    "capacity must be >= 1, burstNanos, demandNanos and forecastNanos >= 0; were " + capacity + ", "
                            + burstNanos + ", " + demandNanos + ", " + forecastNanos);
        }
    }

    /** A snapshot without a borrow limit. */
    public MemberSnapshot(
            String key, long tokensNanos, long capacity, long burstNanos, long demandNanos, long forecastNanos) {
        this(key, tokensNanos, capacity, burstNanos, demandNanos, forecastNanos, null);
    }

    /** A snapshot without a forecast. */
    public MemberSnapshot(String key, long tokensNanos, long capacity, long burstNanos, long demandNanos) {
        this(key, tokensNanos, capacity, burstNanos, demandNanos, 0);
    }

    /** The same bucket with the sizing loop's borrow limit, tokens per second; infinite (or null) for none. */
    public MemberSnapshot withBorrowLimitPerSecond(Double perSecond) {
        Double limit = perSecond == null || perSecond.isInfinite() ? null : perSecond;
        return new MemberSnapshot(key, tokensNanos, capacity, burstNanos, demandNanos, forecastNanos, limit);
    }

    /**
     * The most it may borrow over {@code horizonMillis} by its borrow limit, nanotokens ({@link Long#MAX_VALUE} for no
     * limit).
     */
    public long borrowCapNanos(long horizonMillis) {
        if (borrowLimitPerSecond == null) {
            return Long.MAX_VALUE;
        }
        double cap = borrowLimitPerSecond * horizonMillis / 1000.0 * Tokens.SCALE;
        return cap >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) cap;
    }

    /** The snapshot of {@code state}, with the demand it could not serve. */
    public static MemberSnapshot of(String key, BucketState state, long unservedDemandNanos) {
        return new MemberSnapshot(key, state.tokens(), state.capacity(), state.burstNanos(), unservedDemandNanos);
    }

    /** This bucket as a lender with {@code settings}, its forecast included. */
    public Lender lender(TransferSettings settings) {
        return settings.lender(key, tokensNanos, capacity, forecastNanos);
    }

    /** The same bucket holding {@code deltaNanos} more. */
    MemberSnapshot plusTokens(long deltaNanos) {
        return new MemberSnapshot(
                key, tokensNanos + deltaNanos, capacity, burstNanos, demandNanos, forecastNanos, borrowLimitPerSecond);
    }

    /** How much it could take in: {@code max(0, burst - tokens)}. */
    public long roomNanos() {
        return Math.max(0, burstNanos - tokensNanos);
    }
}
