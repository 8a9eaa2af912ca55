package dev.tokenplane.bms.metrics;

import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.rules.Rule;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The meters of a member's {@link BucketBudget}:
 * <ul>
 *   <li>{@code bms_bucket_budget_limit} and {@code bms_bucket_budget_used}: the member's budget and the buckets it
 *       owns as counted;</li>
 *   <li>{@code bms_bucket_budget_refusals_total}: decisions refused a new bucket;</li>
 *   <li>{@code bms_rule_bucket_budget_limit{rule}} and {@code bms_rule_bucket_budget_used{rule}}: for each rule with
 *       a {@code maxBuckets}, its limit and its buckets on this member (NaN once the rule is gone or has no limit).</li>
 * </ul>
 */
public final class BucketBudgetMeters implements MeterBinder {
    private final BucketBudget budget;
    private final Function<String, Rule> ruleById;
    private final Set<String> rulesBound = ConcurrentHashMap.newKeySet();
    private volatile MeterRegistry registry;

    /** @param ruleById the current rule of an id, or null */
    public BucketBudgetMeters(BucketBudget budget, Function<String, Rule> ruleById) {
        this.budget = budget;
        this.ruleById = ruleById;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        Gauge.builder("bms.bucket.budget.limit", budget, BucketBudget::limit)
                .strongReference(true)
                .description("The most buckets this member may own (BMS_MAX_BUCKETS)")
                .register(meterRegistry);
        Gauge.builder("bms.bucket.budget.used", budget, BucketBudget::used)
                .strongReference(true)
                .description("Buckets this member owns, as the budget counts them")
                .register(meterRegistry);
        FunctionCounter.builder("bms.bucket.budget.refusals", budget, BucketBudget::refusals)
                .description("Decisions refused because they needed a new bucket past a budget")
                .register(meterRegistry);
    }

    /** Registers the per-rule gauges of {@code rule} if it has a {@code maxBuckets} (once per rule id). */
    public void bindRule(Rule rule) {
        MeterRegistry r = registry;
        if (r == null || rule.maxBuckets() == null || !rulesBound.add(rule.id())) {
            return;
        }
        String id = rule.id();
        Gauge.builder("bms.rule.bucket.budget.limit", () -> {
                    Rule now = ruleById.apply(id);
                    return now == null || now.maxBuckets() == null ? Double.NaN : now.maxBuckets();
                })
                .tag("rule", id)
                .description("A rule's maxBuckets per member")
                .register(r);
        Gauge.builder("bms.rule.bucket.budget.used", () -> budget.usedBy(id))
                .tag("rule", id)
                .description("Buckets of a rule on this member, as the budget counts them")
                .register(r);
    }
}
