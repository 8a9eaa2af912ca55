package dev.tokenplane.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs faults one after another against a whole cluster under load, and measures each one: over-admission on the
 * measured keys against the fault's bound, tokens created or lost in its transfer pool, configuration writes, recovery
 * time, and decision latency.
 */
final class ChaosRun {

    private static final Duration BEFORE = Duration.ofSeconds(2);
    private static final Duration AFTER = Duration.ofSeconds(2);
    /** Longer than a call's timeout (3 s): no pool call is still in flight when the pool's tokens are read. */
    private static final Duration DRAIN = Duration.ofSeconds(4);

    final ChaosCluster cluster;
    final LoadGenerator load;
    final long origin = System.nanoTime();
    final List<PhaseResult> results = new ArrayList<>();
    /** What the faults' own checks found, for the report. */
    final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When the load stopped (the charts end there). */
    volatile long stoppedAt;

    ChaosRun(ChaosCluster cluster, LoadGenerator load) {
        this.cluster = cluster;
        this.load = load;
    }

    double seconds(long nanos) {
        return (nanos - origin) / 1e9;
    }

    PhaseResult run(Fault fault) throws Exception {
        PoolLedger pool = PoolLedger.open(
                cluster, "pool-" + fault.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"), load.events);
        load.poolMembers = fault.poolMembers();
        load.pool = pool;
        pause(BEFORE);

        long injected = System.nanoTime();
        fault.inject().run();
        pause(fault.hold());
        long recovered = System.nanoTime();
        fault.recover().run();
        double recovery = cluster.awaitWhole(Duration.ofSeconds(180));
        long whole = System.nanoTime();
        fault.check().run();
        pause(AFTER);
        long end = System.nanoTime();

        load.pool = null;
        load.poolMembers = Fault.ALL;
        pause(DRAIN);
        long poolFinal = pool.settledTokens(cluster);

        List<Event> events = List.copyOf(load.events);
        List<Event> during = events.stream()
                .filter(e -> e.sent() >= injected && e.answered() <= end)
                .toList();
        List<PhaseResult.KeyResult> keys = new ArrayList<>();
        for (String key : measuredKeys()) {
            OverAdmission.Result r = OverAdmission.measure(
                    during.stream().filter(e -> e.key().equals(key)).toList(),
                    LoadGenerator.CAPACITY,
                    LoadGenerator.REFILL_PER_SECOND,
                    fault.bound(),
                    origin,
                    0);
            keys.add(new PhaseResult.KeyResult(key, r.excess(), r.overBound()));
        }
        List<Event> poolEvents =
                events.stream().filter(e -> e.key().startsWith(pool.name + ":")).toList();
        long granted = poolEvents.stream()
                .filter(Event::granted)
                .mapToLong(Event::tokens)
                .sum();
        long unknown = poolEvents.stream()
                .filter(Event::unknown)
                .mapToLong(Event::tokens)
                .sum();
        int acked = 0;
        int refused = 0;
        for (long[] w : load.writes) {
            if (w[0] >= injected && w[0] <= end) {
                if (w[1] / 100 == 2) {
                    acked++;
                } else {
                    refused++;
                }
            }
        }
        List<Event> decisions = events.stream()
                .filter(e -> e.isDecision() && e.sent() >= injected && e.sent() <= end)
                .toList();
        double within = decisions.isEmpty()
                ? 0
                : decisions.stream().filter(e -> e.answeredWithin(100)).count() / (double) decisions.size();
        PhaseResult result = new PhaseResult(
                fault,
                seconds(injected),
                seconds(recovered),
                seconds(whole),
                recovery,
                keys,
                pool.initialTokens,
                poolFinal,
                granted,
                unknown,
                acked,
                refused,
                decisions.size(),
                within);
        results.add(result);
        return result;
    }

    static List<String> measuredKeys() {
        List<String> keys = new ArrayList<>(LoadGenerator.DECISION_KEYS);
        keys.add(LoadGenerator.LEASE_KEY);
        return keys;
    }

    static void pause(Duration d) {
        long until = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
