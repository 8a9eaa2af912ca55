package dev.tokenplane.bms;

import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.rules.RuleIndex;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A member's {@link BucketBudget}, bound to its rules (which rule a bucket spec's generation belongs to) and to the
 * count of the buckets it owns, re-read every {@value #RECOUNT_MS} ms off the event loop.
 */
final class BudgetBinding {
    static final long RECOUNT_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(BucketBudget.class);

    private BudgetBinding() {
    }

    /** The budget of {@code settings}; {@code rules} may answer null until the rules are open. */
    static BucketBudget create(BmsSettings settings, Supplier<RuleRegistry> rules, InstantSource clock) {
        return new BucketBudget(settings.maxBuckets(), generation -> ruleLimit(rules.get(), generation), clock,
                LOG::warn);
    }

    /** Counts now, then every {@value #RECOUNT_MS} ms; returns the timer id. */
    static long startRecount(Vertx vertx, BucketBudget budget, LongSupplier owned) {
        budget.recount(owned);
        AtomicBoolean running = new AtomicBoolean();
        return vertx.setPeriodic(RECOUNT_MS, id -> {
            if (!running.compareAndSet(false, true)) {
                return;
            }
            vertx.executeBlocking(() -> {
                budget.recount(owned);
                return null;
            }, false).onComplete(ar -> running.set(false));
        });
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
