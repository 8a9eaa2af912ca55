package dev.tokenplane.bms.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The BMS's own meters, under the names the dashboard depends on (TEAM.md). Counters are looked up once per tag set
 * and cached, so recording a decision allocates nothing.
 *
 * <p>Thread-safe.
 */
public final class BmsMetrics {
    /** What a decision came over: {@code bms_decision_latency_seconds{transport}}. */
    public enum Transport {
        /** The JSON API (single decisions, batches, leases). */
        HTTP("http"),
        /** The binary decision protocol ({@code BMS_DECISION_PORT}). */
        BINARY("binary");

        private final String tag;

        Transport(String tag) {
            this.tag = tag;
        }
    }

    /** Outcomes of a decision: {@code bms_decisions_total{outcome}}. */
    public enum Outcome {
        GRANTED("granted"),
        DENIED("denied"),
        SHADOW_DENIED("shadow_denied"),
        REJECTED("rejected");

        private final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** Breaker states for {@code bms_breaker_state{pool,state}}. */
    public static final List<String> BREAKER_STATES = List.of("closed", "open", "half_open");
    /** Transfer outcomes for {@code bms_transfers_total{pool,outcome}}. */
    public static final List<String> TRANSFER_OUTCOMES = List.of("ok", "partial", "failed", "rejected", "breaker_open");

    private final MeterRegistry registry;
    private final Timer[] decisionLatency = new Timer[Transport.values().length];
    private final Map<String, Counter[]> decisions = new ConcurrentHashMap<>();
    private final Map<String, Counter> resizes = new ConcurrentHashMap<>();
    private final Map<String, Counter> transfers = new ConcurrentHashMap<>();
    private final Map<String, Counter> transferTokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();

    public BmsMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Transport t : Transport.values()) {
            decisionLatency[t.ordinal()] = Timer.builder("bms.decision.latency")
                    .description("Time from a decision request's arrival to its answer")
                    .tag("transport", t.tag)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(50_000))
                    .maximumExpectedValue(Duration.ofSeconds(10))
                    .register(registry);
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Counts one decision of {@code ruleId} ("none" when no rule matched). */
    public void decision(Outcome outcome, String ruleId) {
        decisions.computeIfAbsent(ruleId, this::decisionCounters)[outcome.ordinal()].increment();
    }

    /** Records how long one decision request took, in nanoseconds, by the transport it came over. */
    public void decisionLatency(Transport transport, long nanos) {
        decisionLatency[transport.ordinal()].record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Registers the decision counters of a rule, so they show at 0 before any decision. */
    public void registerRule(String ruleId) {
        decisions.computeIfAbsent(ruleId, this::decisionCounters);
        resizeCounter(ruleId, "grow");
        resizeCounter(ruleId, "shrink");
    }

    /** Counts one resize of a bucket of {@code ruleId}; {@code direction} is "grow" or "shrink". */
    public void resized(String ruleId, String direction) {
        resizeCounter(ruleId, direction).increment();
    }

    /** Registers the transfer meters of a pool (0 counts, breaker closed), so they show before any transfer. */
    public void registerPool(String pool) {
        TRANSFER_OUTCOMES.forEach(o -> transferCounter(pool, o));
        transferTokensCounter(pool);
        if (!breakerStates.containsKey(pool)) {
            breakerState(pool, "closed");
        }
    }

    /** Counts one transfer attempt in {@code pool} with {@code outcome} (one of {@link #TRANSFER_OUTCOMES}). */
    public void transfer(String pool, String outcome) {
        transferCounter(pool, outcome).increment();
    }

    /** Counts whole tokens moved by transfers in {@code pool}. */
    public void transferredTokens(String pool, double tokens) {
        transferTokensCounter(pool).increment(tokens);
    }

    /** Sets the breaker state of {@code pool} (one of {@link #BREAKER_STATES}): that state's gauge 1, others 0. */
    public void breakerState(String pool, String state) {
        AtomicInteger current = breakerStates.computeIfAbsent(pool, p -> {
            AtomicInteger holder = new AtomicInteger();
            for (int i = 0; i < BREAKER_STATES.size(); i++) {
                int index = i;
                Gauge.builder("bms.breaker.state", holder, h -> h.get() == index ? 1 : 0)
                        .strongReference(true)
                        .tag("pool", p)
                        .tag("state", BREAKER_STATES.get(i))
                        .description("1 for the pool's current breaker state, else 0")
                        .register(registry);
            }
            return holder;
        });
        current.set(BREAKER_STATES.indexOf(state));
    }

    /**
     * Registers the bucket count gauge: the buckets whose partition this member owns (the sum over the members is the
     * cluster's count). {@code count} may be slow: scrape off the event loop.
     */
    public void bucketCount(Supplier<Number> count) {
        Gauge.builder("bms.buckets", count, c -> c.get().doubleValue())
                .strongReference(true)
                .description("Buckets this member owns (sum over members: all buckets)")
                .register(registry);
    }

    /** Registers the gauge of the members this member sees in the cluster, itself included. */
    public void clusterMembers(Supplier<Number> members) {
        Gauge.builder("bms.cluster.members", members, c -> c.get().doubleValue())
                .strongReference(true)
                .description("Members of the cluster, as this member sees it")
                .register(registry);
    }

    /** Registers the fresh/stale agent gauges. */
    public void agentCounts(Supplier<Number> fresh, Supplier<Number> stale) {
        Gauge.builder("bms.agents", fresh, c -> c.get().doubleValue())
                .strongReference(true)
                .tag("state", "fresh")
                .description("Agents by state")
                .register(registry);
        Gauge.builder("bms.agents", stale, c -> c.get().doubleValue())
                .strongReference(true)
                .tag("state", "stale")
                .description("Agents by state")
                .register(registry);
    }

    /**
     * Registers the gauge of the oldest last report among the known agents. One series for the whole cluster, not one
     * per server: the number of servers is not bounded by the operator (GET /v1/agents has each agent's age).
     */
    public void agentReportAgeMax(Supplier<Number> ageSeconds) {
        Gauge.builder("bms.agent.report.age.max", ageSeconds, c -> c.get().doubleValue())
                .strongReference(true)
                .baseUnit("seconds")
                .description("Seconds since the oldest last report of a known agent (0 when none)")
                .register(registry);
    }

    private Counter[] decisionCounters(String ruleId) {
        Outcome[] outcomes = Outcome.values();
        Counter[] counters = new Counter[outcomes.length];
        for (Outcome o : outcomes) {
            counters[o.ordinal()] = Counter.builder("bms.decisions")
                    .tag("outcome", o.tag())
                    .tag("rule", ruleId)
                    .description("Decisions by outcome and rule")
                    .register(registry);
        }
        return counters;
    }

    private Counter resizeCounter(String ruleId, String direction) {
        return resizes.computeIfAbsent(
                ruleId + '\u0000' + direction,
                k -> Counter.builder("bms.resizes")
                        .tag("direction", direction)
                        .tag("rule", ruleId)
                        .description("Bucket resizes")
                        .register(registry));
    }

    private Counter transferCounter(String pool, String outcome) {
        return transfers.computeIfAbsent(
                pool + '\u0000' + outcome,
                k -> Counter.builder("bms.transfers")
                        .tag("pool", pool)
                        .tag("outcome", outcome)
                        .description("Transfer attempts by outcome")
                        .register(registry));
    }

    private Counter transferTokensCounter(String pool) {
        return transferTokens.computeIfAbsent(
                pool,
                p -> Counter.builder("bms.transfer.tokens")
                        .tag("pool", p)
                        .description("Tokens moved by transfers")
                        .register(registry));
    }
}
