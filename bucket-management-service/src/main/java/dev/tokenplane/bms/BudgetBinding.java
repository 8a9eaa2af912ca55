package dev.tokenplane.bms;

import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.schedule.Scheduler;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's {@link BucketBudget}, bound to its rules (which rule a bucket spec's generation belongs to) and to the
 * count of the buckets it owns, re-read every {@value #RECOUNT_MS} ms by the member's scheduler.
 */
final class BudgetBinding {
    static final long RECOUNT_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(BucketBudget.class);

    private BudgetBinding() {}

    /** The budget of {@code settings}; {@code rules} may answer null until the rules are open. */
    static BucketBudget create(BmsSettings settings, Supplier<RuleRegistry> rules, InstantSource clock) {
        return new BucketBudget(
                settings.maxBuckets(), generation -> ruleLimit(rules.get(), generation), clock, LOG::warn);
    }

    /** Counts now, then every {@value #RECOUNT_MS} ms on {@code scheduler}. */
    static Scheduler.Cancellable startRecount(Scheduler scheduler, BucketBudget budget, LongSupplier owned) {
        budget.recount(owned);
        return scheduler.every("bucket budget recount", Duration.ofMillis(RECOUNT_MS), () -> budget.recount(owned));
    }

    private static BucketBudget.RuleLimit ruleLimit(RuleRegistry registry, long generation) {
        RuleIndex.Entry entry = registry == null ? null : registry.index().byGeneration(generation);
        if (entry == null) {
            return null;
        }
        Long max = entry.rule().maxBuckets();
        return new BucketBudget.RuleLimit(entry.rule().id(), max == null ? 0 : max);
    }
}
