package dev.tokenplane.bms.rules;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.PriorityReserves;

/**
 * A stored, validated rule: a pattern over bucket keys and the parameters of the buckets it matches. Immutable; every
 * default is filled in. {@link RuleInput#toRule} is the only way in from outside, so a {@code Rule} is always valid.
 *
 * @param id              the rule id, {@code [A-Za-z0-9._-]{1,128}}
 * @param match           the key pattern ({@link RulePattern})
 * @param capacity        tokens, in [minCapacity, maxCapacity]
 * @param refillPerSecond tokens per second, &gt; 0
 * @param minCapacity     the least capacity the sizing loop may set
 * @param maxCapacity     the most capacity the sizing loop may set
 * @param algorithm       token bucket or leaky bucket
 * @param idleTtlSeconds  idle time after which a full bucket may be evicted; 0 means never
 * @param maxBuckets      the most buckets of this rule one member holds (new keys past it get
 *                        {@code bucket_budget_exhausted}), or null for no limit but the member's budget
 * @param shadow          decide and count, but always grant
 * @param adaptive        the sizing settings, or null for a fixed-size rule
 * @param transfer        the transfer settings, or null for a bucket outside any pool
 * @param version         grows with each write of this rule id
 * @param updatedAt       epoch millis of the last write
 * @param tier            the callers this rule serves: only those whose API key carries this tier; null for every
 *                        caller. Beats a rule of the same pattern without a tier ({@link RuleIndex})
 * @param refill          the refill as the operator wrote it, tokens per period ({@link RefillInput}), echoed beside
 *                        {@code refillPerSecond}; null when it was written as {@code refillPerSecond}
 * @param priorityReserves the share of capacity each class below {@code critical} must leave in a bucket; null when
 *                        the rule sets none: then priority changes nothing for its buckets ({@link #reserves()})
 */
public record Rule(
        String id,
        String match,
        long capacity,
        double refillPerSecond,
        long minCapacity,
        long maxCapacity,
        Algorithm algorithm,
        long idleTtlSeconds,
        Long maxBuckets,
        boolean shadow,
        Adaptive adaptive,
        Transfer transfer,
        long version,
        long updatedAt,
        String tier,
        Refill refill,
        PriorityReserves priorityReserves) {

    /**
     * Adaptive sizing: grow above {@code thresholdHigh} of the size, shrink below {@code thresholdLow}; the optional
     * tuning ({@link SizingTuning}) is null where the member's defaults apply.
     */
    public record Adaptive(
            boolean enabled,
            double thresholdHigh,
            double thresholdLow,
            double growthFactor,
            double shrinkFactor,
            SizingTuning.PressureTargets pressureTargets,
            SizingTuning.ForecasterChoice forecaster,
            SizingTuning.Damping damping) {

        /** Adaptive settings with the member's default tuning. */
        public Adaptive(
                boolean enabled, double thresholdHigh, double thresholdLow, double growthFactor, double shrinkFactor) {
            this(enabled, thresholdHigh, thresholdLow, growthFactor, shrinkFactor, null, null, null);
        }
    }

    /** A refill of {@code tokens} every {@code period}, as written ({@link RefillInput}). */
    public record Refill(long tokens, String period) {}

    /** Membership of a transfer pool: who may borrow, lend, with what weight and reserve. */
    public record Transfer(
            String pool, boolean canBorrow, boolean canLend, double weight, String region, double reserveFraction) {}

    /** The same rule as written at {@code newVersion} and {@code at}. */
    public Rule withVersion(long newVersion, long at) {
        return new Rule(
                id,
                match,
                capacity,
                refillPerSecond,
                minCapacity,
                maxCapacity,
                algorithm,
                idleTtlSeconds,
                maxBuckets,
                shadow,
                adaptive,
                transfer,
                newVersion,
                at,
                tier,
                refill,
                priorityReserves);
    }

    /**
     * The priority reserves in force: the rule's, or none. Opt-in per rule, so that the buckets of a rule written before
     * priority existed keep their whole burst for callers that name no class.
     */
    public PriorityReserves reserves() {
        return priorityReserves == null ? PriorityReserves.NONE : priorityReserves;
    }

    /** Whether this rule serves a caller of {@code callerTier} (null: a caller without a tier). */
    public boolean servesTier(String callerTier) {
        return tier == null || tier.equals(callerTier);
    }

    /** Whether the sizing loop may change buckets of this rule. */
    public boolean adaptiveEnabled() {
        return adaptive != null && adaptive.enabled();
    }
}
