package dev.tokenplane.bms;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.cluster.DataTier;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.metrics.BucketBudgetMeters;
import dev.tokenplane.bms.metrics.ProcessMetrics;
import dev.tokenplane.bms.rules.Rule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.HazelcastCacheMetrics;
import java.time.InstantSource;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Binds a member's meters: the member-local figures (buckets owned, cluster size, agents, the process) when the member
 * is wired, and the per-rule meters once the rules are loaded (and again as rules change).
 */
final class MemberMeters {
    private MemberMeters() {}

    /**
     * Member-local figures: each member reports its own share, so the cluster's is the sum, and a scrape asks no other
     * member. Answers what to close with the member.
     */
    static List<AutoCloseable> bind(
            MeterRegistry registry,
            BmsMetrics metrics,
            HazelcastInstance hazelcast,
            LongSupplier ownedBuckets,
            AgentRegistry agents,
            InstantSource clock) {
        metrics.bucketCount(ownedBuckets::getAsLong);
        if (!DataTier.isClient(hazelcast)) { // a client has no local map statistics
            IMap<Object, Object> buckets = hazelcast.getMap(StoreBinding.MAP);
            HazelcastCacheMetrics.monitor(registry, buckets);
        }
        metrics.clusterMembers(() -> hazelcast.getCluster().getMembers().size());
        metrics.agentCounts(
                () -> agents.all().stream()
                        .filter(a -> !agents.isStale(a, clock.millis()))
                        .count(),
                () -> agents.all().stream()
                        .filter(a -> agents.isStale(a, clock.millis()))
                        .count());
        metrics.agentReportAgeMax(() -> agents.all().stream()
                .mapToDouble(a -> Math.max(0, clock.millis() - a.lastReportAt()) / 1000.0)
                .max()
                .orElse(0));
        return List.of(ProcessMetrics.bind(registry));
    }

    /** The meters of every rule (and its pool), now and whenever the rules change. */
    static void bindRules(
            BmsMetrics metrics, BucketBudgetMeters budgetMeters, RuleRegistry rules, ReplicatedConfig ruleConfig) {
        rules.all().forEach(r -> bindRule(metrics, budgetMeters, r));
        ruleConfig.onChange(change -> rules.all().forEach(r -> bindRule(metrics, budgetMeters, r)));
    }

    private static void bindRule(BmsMetrics metrics, BucketBudgetMeters budgetMeters, Rule rule) {
        metrics.registerRule(rule.id());
        if (rule.transfer() != null) {
            metrics.registerPool(rule.transfer().pool());
        }
        budgetMeters.bindRule(rule);
    }
}
