package dev.tokenplane.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The traffic during the schedule, open loop: one thread per member and kind fires calls at a fixed rate without
 * waiting for their answers, so a frozen member neither slows the others' traffic nor hides its own slow answers
 * (no coordinated omission). It makes acquires on {@link #DECISION_KEYS}, leases (and the release of part of each)
 * on {@link #LEASE_KEY}, acquires on the busy bucket of the current transfer pool ({@link PoolLedger}), and, one at
 * a time, configuration writes (a new rule or a new override each) whose acknowledged values are kept for the
 * read-back.
 */
final class LoadGenerator implements AutoCloseable {

    /** The rule every measured key belongs to: 20 tokens, 10 per second. */
    static final String RULE = "chaos-d";

    static final long CAPACITY = 20;
    static final double REFILL_PER_SECOND = 10;
    static final List<String> DECISION_KEYS = List.of("chaos:d1", "chaos:d2");
    static final String LEASE_KEY = "chaos:lease";
    static final long LEASED = 4;
    static final long RELEASED = 2;

    private static final long DECIDE_EVERY_NANOS = 25_000_000;
    private static final long LEASE_EVERY_NANOS = 100_000_000;
    private static final long POOL_EVERY_NANOS = 150_000_000;
    private static final long WRITE_EVERY_NANOS = 250_000_000;
    /** Unanswered calls one thread may have; past it a call is recorded as not answered instead of sent. */
    private static final int MAX_IN_FLIGHT = 16;

    final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    /** Acknowledged configuration writes: rule id (or override key) to the capacity written. */
    final Map<String, Long> ackedRules = new ConcurrentHashMap<>();

    final Map<String, Long> ackedOverrides = new ConcurrentHashMap<>();
    /** When each acknowledged write was answered (System.nanoTime), by rule id or override key. */
    final Map<String, Long> ackedAt = new ConcurrentHashMap<>();

    final ConcurrentLinkedQueue<long[]> writes = new ConcurrentLinkedQueue<>(); // {answeredNanos, status}

    /** An acknowledged write a member does not have (or has with another value). */
    record LostWrite(String member, String id, String found) {}
    /** Members the pool traffic may go to (the majority side during a partition). */
    volatile Set<Integer> poolMembers = Set.of(1, 2, 3);

    volatile PoolLedger pool;

    private final ChaosCluster cluster;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger writeCount = new AtomicInteger();
    private volatile boolean running = true;

    LoadGenerator(ChaosCluster cluster) {
        this.cluster = cluster;
    }

    static Map<String, Object> measuredRule() {
        return Map.of("match", "chaos:*", "capacity", CAPACITY, "refillPerSecond", REFILL_PER_SECOND);
    }

    void start() {
        for (Member m : cluster.members) {
            java.util.concurrent.Semaphore decisions = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
            loop("decide-" + m.index, DECIDE_EVERY_NANOS, new Runnable() {
                private int n;

                @Override
                public void run() {
                    String key = DECISION_KEYS.get(n++ % DECISION_KEYS.size());
                    fire(decisions, "decide", key, m, () -> decide(m, key));
                }
            });
            java.util.concurrent.Semaphore leases = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
            loop("lease-" + m.index, LEASE_EVERY_NANOS, () -> fire(leases, "lease", LEASE_KEY, m, () -> lease(m)));
            java.util.concurrent.Semaphore pooled = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);
            loop("pool-" + m.index, POOL_EVERY_NANOS, () -> {
                PoolLedger ledger = pool;
                if (ledger != null && poolMembers.contains(m.index)) {
                    fire(
                            pooled,
                            "pool",
                            ledger.busy(),
                            m,
                            () -> ledger.acquireBusy(cluster.http, m).thenAccept(events::add));
                }
            });
        }
        loop("writer", WRITE_EVERY_NANOS, this::write);
    }

    /**
     * Fires {@code call} unless {@code MAX_IN_FLIGHT} calls of this thread are still unanswered (a frozen or overloaded
     * member): then the decision is recorded as not answered, so it counts against the latency share without piling
     * more load on the cluster.
     */
    private void fire(
            java.util.concurrent.Semaphore inFlight,
            String kind,
            String key,
            Member m,
            java.util.function.Supplier<CompletableFuture<?>> call) {
        if (!inFlight.tryAcquire()) {
            long now = System.nanoTime();
            events.add(new Event(kind, key, m.index, now, now, Http.Outcome.NOT_SENT, 0, 0));
            return;
        }
        call.get().whenComplete((r, e) -> inFlight.release());
    }

    private void loop(String name, long everyNanos, Runnable step) {
        Thread t = new Thread(
                () -> {
                    long next = System.nanoTime();
                    while (running) {
                        step.run();
                        next += everyNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        } else {
                            next = System.nanoTime(); // fell behind (a frozen member): no burst to catch up
                        }
                    }
                },
                "load-" + name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private CompletableFuture<Void> decide(Member m, String key) {
        return cluster.http
                .callAsync("POST", m.url() + "/v1/buckets/" + key + "/acquire", Map.of("tokens", 1), false)
                .thenAccept(r -> events.add(event("decide", key, m, r, taken(r, 1))));
    }

    private CompletableFuture<Void> lease(Member m) {
        return cluster.http
                .callAsync(
                        "POST",
                        m.url() + "/v1/buckets/" + LEASE_KEY + "/lease",
                        Map.of("tokens", LEASED, "ttlMs", 5_000),
                        false)
                .thenCompose(r -> {
                    events.add(event("lease", LEASE_KEY, m, r, taken(r, LEASED)));
                    if (r.status() != 200
                            || !r.body().path("granted").asBoolean()
                            || r.body().path("leaseId").isNull()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return cluster.http
                            .callAsync(
                                    "POST",
                                    m.url() + "/v1/buckets/" + LEASE_KEY + "/release",
                                    Map.of("leaseId", r.body().path("leaseId").asText(), "tokens", RELEASED),
                                    false)
                            .thenAccept(back -> {
                                // What the bucket took back; unknown counts as all of it, so a credit is never missed.
                                double accepted = back.ok()
                                        ? back.body().path("accepted").asDouble(0)
                                        : back.outcome() == Http.Outcome.NOT_SENT || back.status() / 100 == 4
                                                ? 0
                                                : RELEASED;
                                events.add(event("release", LEASE_KEY, m, back, -(long) Math.ceil(accepted)));
                            });
                });
    }

    /** The tokens a decision took: none when denied, {@code asked} when granted or when its effect is unknown. */
    static long taken(Http.Reply r, long asked) {
        return r.status() == 200 && !r.body().path("granted").asBoolean() ? 0 : asked;
    }

    private static Event event(String kind, String key, Member m, Http.Reply r, long tokens) {
        return new Event(kind, key, m.index, r.sentNanos(), r.answeredNanos(), r.outcome(), r.status(), tokens);
    }

    /** A new rule or a new override, to the members in turn; what was acknowledged (2xx) must never be lost. */
    private void write() {
        int n = writeCount.incrementAndGet();
        Member m = cluster.members.get(n % cluster.members.size());
        long capacity = 1 + n % 97;
        Http.Reply r;
        if (n % 2 == 0) {
            String id = "cw-" + n;
            r = cluster.http.call(
                    "PUT",
                    m.url() + "/v1/rules/" + id,
                    Map.of("match", id + ":*", "capacity", capacity, "refillPerSecond", 1),
                    true);
            if (r.ok()) {
                ackedRules.put(id, capacity);
                ackedAt.put(id, r.answeredNanos());
            }
        } else {
            String key = "chaos:ov" + n;
            r = cluster.http.call(
                    "PUT",
                    m.url() + "/v1/buckets/" + enc(key) + "/override",
                    Map.of("capacity", capacity, "refillPerSecond", 1, "ttlSeconds", 86_400),
                    true);
            if (r.ok()) {
                ackedOverrides.put(key, capacity);
                ackedAt.put(key, r.answeredNanos());
            }
        }
        writes.add(new long[] {r.answeredNanos(), r.outcome() == Http.Outcome.ANSWERED ? r.status() : 0});
    }

    /** Reads every acknowledged write back from every member: the ones missing or different. */
    List<LostWrite> lostWrites() {
        List<LostWrite> lost = new ArrayList<>();
        for (Member m : cluster.members) {
            for (Map.Entry<String, Long> rule : ackedRules.entrySet()) {
                Http.Reply r = cluster.http.get(m.url() + "/v1/rules/" + rule.getKey());
                if (!r.ok() || r.body().path("capacity").asLong() != rule.getValue()) {
                    lost.add(new LostWrite(m.toString(), rule.getKey(), r.status() + " " + r.body()));
                }
            }
            Map<String, Long> overrides = new java.util.HashMap<>();
            String cursor = null;
            do {
                JsonNode page = cluster.http.admin(
                        "GET",
                        m.url() + "/v1/overrides?limit=1000" + (cursor == null ? "" : "&cursor=" + enc(cursor)),
                        null);
                page.path("overrides")
                        .forEach(o -> overrides.put(
                                o.path("key").asText(), o.path("capacity").asLong()));
                cursor = page.path("nextCursor").isNull()
                        ? null
                        : page.path("nextCursor").asText();
            } while (cursor != null);
            ackedOverrides.forEach((key, capacity) -> {
                if (!capacity.equals(overrides.get(key))) {
                    lost.add(new LostWrite(m.toString(), key, String.valueOf(overrides.get(key))));
                }
            });
        }
        return lost;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(10_000);
        }
    }
}
