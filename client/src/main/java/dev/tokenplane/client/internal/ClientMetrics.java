package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimiterEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The client's meters, kept from its {@link RateLimiterEvent}s: made only when the client has a Micrometer registry,
 * so Micrometer is an optional dependency (this class is the only one that names it).
 * <ul>
 *   <li>{@code tokenplane.client.decisions{outcome=granted|denied, source=bms|lease|local|fail_open|fail_closed}}</li>
 *   <li>{@code tokenplane.client.fallback.decisions}: decisions made locally because no BMS could be reached</li>
 *   <li>{@code tokenplane.client.fallback.time}: how long each period without a BMS lasted (a timer, recorded when it
 *       ends) and {@code tokenplane.client.fallback.active} (a long task timer while it lasts)</li>
 *   <li>{@code tokenplane.client.retries}, {@code tokenplane.client.lease.renewals},
 *       {@code tokenplane.client.lease.tokens{kind=leased|released|dropped}} (dropped: unused tokens of a grant
 *       the BMS recorded no lease for, which cannot go back)</li>
 *   <li>gauges {@code tokenplane.client.connections} (open connections to the BMS) and
 *       {@code tokenplane.client.delay.queue} (requests waiting in delay mode)</li>
 *   <li>{@code tokenplane.client.events.dropped}: events the user's consumers did not get, because they fell behind
 *       by more than the event queue holds</li>
 * </ul>
 * Thread-safe.
 */
public final class ClientMetrics implements Consumer<RateLimiterEvent>, AutoCloseable {
    private final MeterRegistry registry;
    private final Counter[][] decisions = new Counter[2][DecisionSource.values().length];
    private final Counter fallbackDecisions;
    private final Timer fallbackTime;
    private final LongTaskTimer fallbackActive;
    private final AtomicReference<LongTaskTimer.Sample> activeSample = new AtomicReference<>();
    private final Counter retries;
    private final Counter renewals;
    private final Counter leased;
    private final Counter released;
    private final Counter dropped;
    /** This client's parts of the meters fed by every client of the registry ({@link RegistryTotals}). */
    private final List<AutoCloseable> parts = new CopyOnWriteArrayList<>();

    private ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (DecisionSource s : DecisionSource.values()) {
            String source = s.name().toLowerCase(Locale.ROOT);
            decisions[0][s.ordinal()] = decisionCounter("denied", source);
            decisions[1][s.ordinal()] = decisionCounter("granted", source);
        }
        fallbackDecisions = Counter.builder("tokenplane.client.fallback.decisions")
                .description("Decisions made locally because no BMS could be reached")
                .register(registry);
        fallbackTime = Timer.builder("tokenplane.client.fallback.time")
                .description("How long each period without a reachable BMS lasted")
                .register(registry);
        fallbackActive = LongTaskTimer.builder("tokenplane.client.fallback.active")
                .description("The period without a reachable BMS going on now")
                .register(registry);
        retries = Counter.builder("tokenplane.client.retries").register(registry);
        renewals = Counter.builder("tokenplane.client.lease.renewals").register(registry);
        leased = Counter.builder("tokenplane.client.lease.tokens")
                .tag("kind", "leased")
                .register(registry);
        released = Counter.builder("tokenplane.client.lease.tokens")
                .tag("kind", "released")
                .register(registry);
        dropped = Counter.builder("tokenplane.client.lease.tokens")
                .tag("kind", "dropped")
                .register(registry);
    }

    /**
     * Meters in {@code registry} (a {@code MeterRegistry}, typed as Object so that callers need no Micrometer class)
     * fed by {@code events}, with these gauges (name to value). Close it to remove the gauges.
     */
    static AutoCloseable bind(Object registry, ClientEvents events, Map<String, Supplier<Number>> gauges) {
        ClientMetrics m = new ClientMetrics((MeterRegistry) registry);
        gauges.forEach((name, value) -> m.gauge(name, value));
        m.parts.add(RegistryTotals.counter(
                m.registry,
                "tokenplane.client.events.dropped",
                "Events the consumers did not get: they fell behind by more than the queue holds",
                events::dropped));
        events.onEventInline(m); // here and now: exact counts, whatever the user's consumers do
        return m;
    }

    @Override
    public void accept(RateLimiterEvent event) {
        if (event instanceof RateLimiterEvent.Granted g) {
            decision(g.decision());
        } else if (event instanceof RateLimiterEvent.Denied d) {
            decision(d.decision());
        } else if (event instanceof RateLimiterEvent.FallbackEntered) {
            fallbackStarted();
        } else if (event instanceof RateLimiterEvent.FallbackExited e) {
            fallbackEnded(e.downFor().toMillis());
        } else if (event instanceof RateLimiterEvent.Retried) {
            retries.increment();
        } else if (event instanceof RateLimiterEvent.LeaseRenewed r) {
            renewals.increment();
            leased.increment(r.tokens());
        } else if (event instanceof RateLimiterEvent.LeaseEnded e) {
            (e.returned() ? released : dropped).increment(e.tokens());
        }
    }

    private Counter decisionCounter(String outcome, String source) {
        return Counter.builder("tokenplane.client.decisions")
                .tag("outcome", outcome)
                .tag("source", source)
                .description("Decisions by outcome and by who made them")
                .register(registry);
    }

    private void decision(Decision d) {
        decisions[d.granted() ? 1 : 0][d.source().ordinal()].increment();
        if (d.source().fallback()) {
            fallbackDecisions.increment();
        }
    }

    private void fallbackStarted() {
        LongTaskTimer.Sample previous = activeSample.getAndSet(fallbackActive.start());
        if (previous != null) {
            previous.stop();
        }
    }

    private void fallbackEnded(long downMs) {
        fallbackTime.record(Duration.ofMillis(downMs));
        LongTaskTimer.Sample sample = activeSample.getAndSet(null);
        if (sample != null) {
            sample.stop();
        }
    }

    /** A gauge that this client feeds together with the other clients of the registry. */
    private void gauge(String name, Supplier<Number> value) {
        parts.add(RegistryTotals.gauge(registry, name, value));
    }

    /**
     * Takes this client's part out of its gauges and dropped-events counter (a meter goes when its last client does;
     * the other counters and timers are shared by every client of the registry, and stay).
     */
    @Override
    public void close() throws Exception {
        for (AutoCloseable part : parts) {
            part.close();
        }
        parts.clear();
    }
}
