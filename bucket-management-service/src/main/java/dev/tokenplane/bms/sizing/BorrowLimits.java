package dev.tokenplane.bms.sizing;

import java.util.Map;

/**
 * The sizing loop's borrow limit of each adaptive bucket this member sized in its last tick
 * ({@link dev.tokenplane.sizing.SizingPolicy#borrowLimitPerSecond}, tokens per second, until the bucket's next
 * decision), kept in this member's memory for the pool tick, which sends it with the bucket's snapshot to every member
 * (so the decision path looks nothing up). The sizing loop and the pool tick run on the member that owns the bucket;
 * a bucket that just moved to this member has no limit until the loop's next tick here.
 *
 * <p>Thread-safe: the loop replaces the whole map each tick, readers see one tick's limits.
 */
public final class BorrowLimits {

    private volatile Map<String, Double> byStoreKey = Map.of();

    /** This tick's limits, by store key; a bucket left out has no limit. */
    void publish(Map<String, Double> limits) {
        byStoreKey = Map.copyOf(limits);
    }

    /**
     * The borrow limit of the bucket {@code storeKey}, tokens per second (0 while its server is too loaded to grow), or
     * null for none: a fixed-size rule, no load signal, or a bucket the loop has not sized on this member.
     */
    public Double perSecond(String storeKey) {
        Double limit = byStoreKey.get(storeKey);
        return limit == null || limit.isInfinite() ? null : limit;
    }
}
