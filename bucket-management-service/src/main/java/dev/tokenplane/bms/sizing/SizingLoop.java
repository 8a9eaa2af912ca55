package dev.tokenplane.bms.sizing;

import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.buckets.OwnedBuckets;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.metrics.SizingGauges;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.spi.SizingTask;
import dev.tokenplane.sizing.AdaptiveSettings;
import dev.tokenplane.sizing.BucketSize;
import dev.tokenplane.sizing.DampingConfig;
import dev.tokenplane.sizing.DemandWindow;
import dev.tokenplane.sizing.Direction;
import dev.tokenplane.sizing.SizeLimits;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingDecision;
import dev.tokenplane.sizing.SizingInput;
import dev.tokenplane.sizing.SizingPolicy;
import dev.tokenplane.sizing.SizingState;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;
import dev.tokenplane.store.Tokens;
import io.micrometer.core.instrument.Timer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adaptive sizing loop of one member: every {@code BMS_SIZING_INTERVAL_MS} it resizes the buckets whose partitions
 * this member owns ({@link OwnedBuckets}, by rule: a tick lists only the buckets of adaptive rules), so every member
 * sizes its own share and there is no leader to lose. One tick:
 * <ol>
 *   <li>drains the demand counters of the owned buckets whose rule is adaptive, in one local call per partition
 *       ({@code BucketStore.drainDemandAll});</li>
 *   <li>reads their {@link SizingState}s ({@link SizingStates}, partitioned like the buckets) and takes one snapshot of
 *       the agents' reports ({@link LoadSignals});</li>
 *   <li>asks the pure {@link SizingPolicy} about each bucket, with the rule's adaptive settings and bounds, and the
 *       rule's own tuning over the member's policy ({@link RulePolicies}); a bucket an operator's override pins is
 *       held (the policy still follows its demand, so it is warm when the pin goes);</li>
 *   <li>stores every bucket's new state (holds too), and resizes those the policy resized, each atomically through
 *       the store ({@code BucketStore.resize}: tokens kept, clamped), refill following capacity at the rule's ratio;</li>
 *   <li>records each resize: {@code bms_resizes_total{direction,rule}}, the bucket's bounded history (shown with
 *       {@code lastResizedAt} by {@code GET /v1/buckets/{key}}) and a debug line from this class's logger;</li>
 *   <li>publishes this member's per-rule figures ({@link SizingGauges}): buckets sized, resized away from the rule,
 *       their capacity, the age of the last resize;</li>
 *   <li>leaves each bucket's borrow limit ({@link SizingPolicy#borrowLimitPerSecond}, from its decision) in
 *       {@link BorrowLimits}, where the pool tick reads it for the bucket's snapshot: borrowing follows the same
 *       rule as growth.</li>
 * </ol>
 * The policy holds on missing or stale data: no load report for a server bucket, or a report older than
 * {@code BMS_AGENT_STALE_MS}.
 *
 * <p>While partitions migrate, a bucket may be sized by its old and its new owner in the same round; the store keeps
 * each resize atomic, and the cooldown in the moved state stops the next one.
 *
 * <p>Ticks do not overlap (the BMS runs one at a time, on a worker thread); the class is not meant for concurrent
 * ticks.
 */
public final class SizingLoop implements SizingTask {
    private static final Logger LOG = LoggerFactory.getLogger(SizingLoop.class);
    /** The interval the simulator tuned the damping times for (docs/simulation: one tick per simulated second). */
    private static final long TUNED_INTERVAL_MS = 1000;

    private final BucketStore store;
    private final OwnedBuckets owned;
    private final RuleRegistry rules;
    private final OverrideRegistry overrides;
    private final BucketResolver resolver;
    private final AgentRegistry agents;
    private final ResizeHistory history;
    private final BmsMetrics metrics;
    private final InstantSource clock;
    private final SizingPolicy policy;
    private final SizingStates states;
    private final long timeoutMs;
    private final Timer tickTimer;
    private final SizingGauges gauges;
    private final BorrowLimits borrowLimits;

    /**
     * The loop of one member, with {@link #policyConfig(BmsSettings)}'s policy.
     *
     * @param owned    the keys of the buckets this member owns, by rule
     * @param resolver what serves each bucket (rule, override): the one place that resolves it
     * @param states   the sizing states, partitioned like the buckets
     * @param borrowLimits where each tick leaves the borrow limits of the buckets it sized, for the pool tick
     */
    public SizingLoop(
            BmsSettings settings,
            BucketStore store,
            OwnedBuckets owned,
            RuleRegistry rules,
            OverrideRegistry overrides,
            BucketResolver resolver,
            AgentRegistry agents,
            ResizeHistory history,
            SizingStates states,
            BorrowLimits borrowLimits,
            BmsMetrics metrics,
            InstantSource clock) {
        this.borrowLimits = borrowLimits;
        this.store = store;
        this.owned = owned;
        this.rules = rules;
        this.overrides = overrides;
        this.resolver = resolver;
        this.agents = agents;
        this.history = history;
        this.metrics = metrics;
        this.clock = clock;
        this.policy = new SizingPolicy(policyConfig(settings));
        this.states = states;
        this.timeoutMs = Math.max(10_000, 10 * settings.sizingIntervalMs());
        this.tickTimer = Timer.builder("bms.sizing.tick")
                .description("Time one sizing tick of this member took")
                .register(metrics.registry());
        this.gauges = new SizingGauges(metrics.registry(), clock);
    }

    /**
     * The policy's defaults (docs/simulation), with the damping times kept in ticks: the simulator tuned them at one
     * tick per second (cooldown 2 ticks, no growth for 6 ticks after a shed), so they scale with
     * {@code BMS_SIZING_INTERVAL_MS}; and a report counts as stale after {@code BMS_AGENT_STALE_MS}, as in
     * {@code GET /v1/agents}. With a tick much shorter than the agents' interval, two sheds can follow one report.
     */
    public static SizingConfig policyConfig(BmsSettings settings) {
        double ticks = (double) settings.sizingIntervalMs() / TUNED_INTERVAL_MS;
        DampingConfig damping = DampingConfig.defaults()
                .withCooldownMillis(Math.round(DampingConfig.DEFAULT_COOLDOWN_MILLIS * ticks))
                .withGrowthHoldAfterShedMillis(Math.round(DampingConfig.DEFAULT_GROWTH_HOLD_AFTER_SHED_MILLIS * ticks))
                .withStaleAfterMillis(settings.agentStaleMs());
        return SizingConfig.defaults().withDamping(damping);
    }

    @Override
    public void tick(long nowMillis) throws Exception {
        long started = System.nanoTime();
        RuleIndex index = rules.index();
        List<String> candidates = candidates(index, owned);
        Round round = new Round(nowMillis, index);
        Map<String, ResizeHistory.Resize> made = Map.of();
        if (!candidates.isEmpty()) {
            Map<String, DemandSample> demand = await(store.drainDemandAll(candidates));
            round.run(demand, states.load(demand.keySet()));
            states.save(round.next);
            made = apply(round.resized, nowMillis);
        }
        int applied = made.size();
        round.publish(made);
        borrowLimits.publish(round.limits);
        int dropped = states.retainOnly(round.next.keySet());
        long took = System.nanoTime() - started;
        tickTimer.record(took, TimeUnit.NANOSECONDS);
        LOG.trace(
                "sizing tick: {} adaptive buckets owned, {} resized, {} states dropped, {} ms",
                round.next.size(),
                applied,
                dropped,
                TimeUnit.NANOSECONDS.toMillis(took));
    }

    /**
     * The owned buckets worth draining: those whose rule is adaptive. A bucket's store key names its rule
     * ({@link StoreKey}), so the keys of each adaptive rule come straight from {@code owned}; a bucket from before
     * scoping is matched by its key. Nothing is listed when no rule is adaptive, and the buckets of the other rules
     * are never walked (a full budget of them after a key flood).
     */
    static List<String> candidates(RuleIndex rules, OwnedBuckets owned) {
        List<String> keys = new ArrayList<>();
        boolean anyAdaptive = false;
        for (RuleIndex.Entry e : rules.entries()) {
            if (e.rule().adaptiveEnabled()) {
                anyAdaptive = true;
                keys.addAll(owned.ofRule(e.rule().id()));
            }
        }
        if (!anyAdaptive) {
            return List.of();
        }
        for (String key : owned.unscoped()) {
            RuleIndex.Entry e = rules.ruleOfStoreKey(key);
            if (e != null && e.rule().adaptiveEnabled()) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * A decision to resize {@code key}, a bucket of rule {@code ruleId}, to the decision's refill, computed from the
     * bucket as it was at {@code generation}.
     */
    private record Planned(String key, String ruleId, SizingDecision decision, long ratePerMilli, long generation) {}

    /** One tick's decisions: the new states of the buckets sized, and the resizes to make. */
    private final class Round {
        private final long now;
        private final RuleIndex rules;
        private final Map<String, SizingState> next = new HashMap<>();
        /** Each bucket sized: its borrow limit until the next tick, tokens per second (infinite for none). */
        private final Map<String, Double> limits = new HashMap<>();

        private final List<Planned> resized = new ArrayList<>();
        private final RulePolicies policies = new RulePolicies(policy);
        /** Each bucket sized: its rule and its capacity before this tick's resize. */
        private final Map<String, Sized> sized = new HashMap<>();

        Round(long now, RuleIndex rules) {
            this.now = now;
            this.rules = rules;
        }

        /** Publishes the per-rule gauges: every adaptive rule, with the buckets sized and {@code made} resized. */
        void publish(Map<String, ResizeHistory.Resize> made) {
            Map<String, SizingGauges.RuleFigures> figures = new HashMap<>();
            for (RuleIndex.Entry e : rules.entries()) {
                if (e.rule().adaptiveEnabled()) {
                    figures.put(e.rule().id(), SizingGauges.RuleFigures.NONE);
                }
            }
            Map<String, Long> resizedAt = new HashMap<>();
            sized.forEach((key, b) -> {
                ResizeHistory.Resize r = made.get(key);
                if (r != null) {
                    resizedAt.put(b.ruleId(), now);
                }
                figures.computeIfPresent(
                        b.ruleId(), (id, f) -> f.plus(r == null ? b.capacity() : r.capacity(), b.ruleCapacity()));
            });
            gauges.publish(figures, resizedAt);
        }

        void run(Map<String, DemandSample> demand, Map<String, SizingState> previous) {
            LoadSignals loads = LoadSignals.of(
                    agents.all(), now, agents.staleAfterMs(), policy.config().pressure());
            for (Map.Entry<String, DemandSample> e : demand.entrySet()) {
                try {
                    decide(e.getKey(), e.getValue(), previous.get(e.getKey()), loads);
                } catch (RuntimeException ex) {
                    LOG.warn("sizing bucket '{}' failed", StoreKey.describe(e.getKey()), ex);
                }
            }
        }

        private void decide(String key, DemandSample demand, SizingState state, LoadSignals loads) {
            BucketBinding bucket = resolver.ofBucket(key, demand.generation());
            if (bucket == null || !bucket.rule().adaptiveEnabled()) {
                return; // its rule was deleted or is fixed-size: no state is kept
            }
            Rule rule = bucket.rule();
            Rule.Adaptive a = rule.adaptive();
            SizingInput input = new SizingInput(
                    new BucketSize(demand.capacity(), Tokens.perSecond(demand.ratePerMilli())),
                    SizeLimits.of(rule.minCapacity(), rule.maxCapacity(), rule.capacity(), rule.refillPerSecond()),
                    new AdaptiveSettings(a.thresholdHigh(), a.thresholdLow(), a.growthFactor(), a.shrinkFactor()),
                    new DemandWindow(demand.attempted(), demand.granted(), demand.windowMillis()),
                    loads.forBucket(StoreKey.keyOf(key), bucket.transfer()),
                    state == null ? SizingState.initial() : state,
                    bucket.override() != null);
            SizingPolicy rulePolicy = policies.forRule(a);
            SizingDecision d = rulePolicy.decide(now, input);
            next.put(key, d.state());
            limits.put(key, rulePolicy.borrowLimitPerSecond(now, d));
            sized.put(key, new Sized(rule.id(), rule.capacity(), demand.capacity()));
            if (d.resized()) {
                resized.add(
                        new Planned(key, rule.id(), d, Tokens.ratePerMilli(d.refillPerSecond()), demand.generation()));
            }
        }
    }

    /** A bucket sized this tick: its rule, the rule's capacity, and the bucket's capacity before the tick. */
    private record Sized(String ruleId, long ruleCapacity, long capacity) {}

    /**
     * Resizes each bucket atomically through the store, only while it still carries the generation it was drained at:
     * an override (or a rule change) changes the generation as it lands, so a resize computed before it is refused
     * however late it arrives, even when this member had not yet seen the override. Then records the resizes made (a bucket may have gone since
     * it was drained), the history in one call per partition. The calls fan out and the tick waits for them; what
     * follows runs here, on the tick's thread, never on the Hazelcast thread that completed a call (which may not make
     * remote calls). Answers the resizes made, by key.
     */
    private Map<String, ResizeHistory.Resize> apply(List<Planned> resized, long now) throws Exception {
        List<CompletableFuture<Optional<BucketState>>> calls = new ArrayList<>(resized.size());
        for (Planned r : resized) {
            SizingDecision d = r.decision();
            calls.add(
                    overrides.isPinned(StoreKey.keyOf(r.key()), clock.millis())
                            ? CompletableFuture.completedFuture(
                                    Optional.empty()) // pinned during the tick: the override wins
                            : store.resize(r.key(), d.capacity(), r.ratePerMilli(), r.generation())
                                    .toCompletableFuture());
        }
        await(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));
        Map<String, ResizeHistory.Resize> made = new HashMap<>();
        for (int i = 0; i < resized.size(); i++) {
            if (calls.get(i).join().isPresent()) {
                Planned r = resized.get(i);
                SizingDecision d = r.decision();
                String reason = reason(d);
                metrics.resized(r.ruleId(), d.direction() == Direction.GROW ? "grow" : "shrink");
                if (LOG.isDebugEnabled()) {
                    LOG.debug(
                            "resized bucket '{}' ({}) {} -> {} tokens, {} tokens/s: {}",
                            StoreKey.describe(r.key()),
                            r.ruleId(),
                            d.previousCapacity(),
                            d.capacity(),
                            String.format(Locale.ROOT, "%.3f", d.refillPerSecond()),
                            reason);
                }
                made.put(r.key(), new ResizeHistory.Resize(now, d.capacity(), d.refillPerSecond(), reason));
            }
        }
        await(history.recordAll(made));
        return made;
    }

    /** The history's reason: the policy's rule, and the figures it acted on. */
    static String reason(SizingDecision d) {
        return String.format(
                Locale.ROOT,
                "%s: %d -> %d, forecast %.1f tokens/s, pressure %.2f",
                d.reason().code(),
                d.previousCapacity(),
                d.capacity(),
                d.predictedPerSecond(),
                d.pressure());
    }

    private <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
