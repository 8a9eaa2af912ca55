package dev.tokenplane.bms.decide;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import dev.tokenplane.bms.rules.TestRule;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link AtomicDecisions} on the real {@link DecisionService} and local store with a fake clock: atomic batches over
 * random sets of buckets, from many threads, never grant a bucket more than its capacity plus its refill over the
 * time elapsed, and a denied batch leaves every one of its buckets as it was (up to refill).
 */
class AtomicDecisionProperties {
    private static final int BUCKETS = 5;
    private static final int THREADS = 4;
    private static final long START = 1_000_000;

    /** A batch: which buckets, how many tokens each (parallel lists). */
    record Batch(List<Integer> buckets, List<Long> tokens) {
        List<DecisionService.Request> requests() {
            List<DecisionService.Request> r = new ArrayList<>();
            for (int i = 0; i < buckets.size(); i++) {
                r.add(new DecisionService.Request("b" + buckets.get(i), tokens.get(i), 0));
            }
            return r;
        }
    }

    private record Fixture(
            FakeClock clock, BucketStore store, DecisionService decisions, AtomicDecisions atomic, List<Rule> rules) {
        long tokens(int bucket) {
            String storeKey = decisions.bind("b" + bucket, null).storeKey();
            return store.get(storeKey)
                    .toCompletableFuture()
                    .join()
                    .map(s -> s.tokens())
                    .orElse(Tokens.toNano(rules.get(bucket).capacity()));
        }
    }

    private static Fixture fixture(List<Long> capacities, double refillPerSecond) {
        FakeClock clock = new FakeClock(START);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < BUCKETS; i++) {
            long c = capacities.get(i);
            rules.add(TestRule.of("r" + i, "b" + i).capacity(c, refillPerSecond).build());
        }
        RuleIndex index = RuleIndex.of(rules);
        BucketStore store = new LocalBucketStore(clock);
        DecisionService decisions = new DecisionService(
                store,
                BucketResolver.of(() -> index, (k, t) -> null, clock),
                Borrower.NONE,
                new BmsMetrics(new SimpleMeterRegistry()),
                clock,
                new DecisionStats());
        AtomicLong ids = new AtomicLong();
        return new Fixture(clock, store, decisions, new AtomicDecisions(decisions, store, ids::incrementAndGet), rules);
    }

    @Property(tries = 100)
    void concurrentAtomicBatchesNeverOverAdmitAndDeniedOnesTakeNothing(
            @ForAll @Size(BUCKETS) List<@IntRange(min = 1, max = 8) Integer> capacityInts,
            @ForAll("refills") double refillPerSecond,
            @ForAll("manyBatches") List<Batch> batches)
            throws Exception {
        List<Long> capacities = capacityInts.stream().map(Integer::longValue).toList();
        Fixture f = fixture(capacities, refillPerSecond);
        AtomicLongArray granted = new AtomicLongArray(BUCKETS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = thread; i < batches.size(); i += THREADS) {
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            f.clock().advance(ThreadLocalRandom.current().nextLong(0, 200));
                        }
                        Batch b = batches.get(i);
                        AtomicDecisions.Outcome o = decide(f, b);
                        if (o == null) {
                            continue; // more tokens than a capacity: a 400, with anything taken given back
                        }
                        assertThat(o.results()).hasSize(b.buckets().size());
                        assertThat(o.results()).allMatch(d -> d.granted() == o.granted());
                        if (o.granted()) {
                            for (int j = 0; j < b.buckets().size(); j++) {
                                granted.addAndGet(b.buckets().get(j), b.tokens().get(j));
                            }
                        } else {
                            assertThat(o.retryAfterMs()).isPositive();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> d : done) {
                d.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double elapsedSeconds = (f.clock().millis() - START) / 1000.0;
        for (int i = 0; i < BUCKETS; i++) {
            long capacity = capacities.get(i);
            double refilled = refillPerSecond * elapsedSeconds;
            // never over-admits
            assertThat((double) granted.get(i)).as("grants of b%d", i).isLessThanOrEqualTo(capacity + refilled + 1e-6);
            // denied batches took nothing: what is left is at least the capacity less the granted batches' tokens
            double left = f.tokens(i) / (double) Tokens.SCALE;
            assertThat(left).as("tokens left in b%d", i).isGreaterThanOrEqualTo(capacity - granted.get(i) - 1e-6);
        }
    }

    @Property(tries = 200)
    void aDeniedBatchLeavesEachOfItsBucketsAsItWas(
            @ForAll @Size(BUCKETS) List<@IntRange(min = 1, max = 5) Integer> capacityInts,
            @ForAll("someBatches") List<Batch> batches) {
        Fixture f = fixture(capacityInts.stream().map(Integer::longValue).toList(), 1);
        for (Batch b : batches) {
            long[] before = new long[BUCKETS];
            for (int i = 0; i < BUCKETS; i++) {
                before[i] = f.tokens(i);
            }
            AtomicDecisions.Outcome o = decide(f, b);
            if (o == null || !o.granted()) {
                for (int i = 0; i < BUCKETS; i++) {
                    assertThat(f.tokens(i))
                            .as("b%d after a denied batch %s", i, b)
                            .isEqualTo(before[i]);
                }
            }
            f.clock().advance(50);
        }
    }

    /** The outcome, or null when an item asked for more than its bucket's capacity (the request's 400). */
    private static AtomicDecisions.Outcome decide(Fixture f, Batch b) {
        try {
            return f.atomic()
                    .acquire(b.requests(), null, null)
                    .toCompletableFuture()
                    .join();
        } catch (CompletionException e) {
            assertThat(e).hasCauseInstanceOf(InvalidInputException.class);
            return null;
        }
    }

    @Provide
    Arbitrary<Double> refills() {
        return Arbitraries.of(0.001, 0.5, 5.0, 50.0);
    }

    @Provide
    Arbitrary<List<Batch>> manyBatches() {
        return batch().list().ofMinSize(20).ofMaxSize(200);
    }

    @Provide
    Arbitrary<List<Batch>> someBatches() {
        return batch().list().ofMinSize(1).ofMaxSize(40);
    }

    private static Arbitrary<Batch> batch() {
        return Arbitraries.integers()
                .between(0, BUCKETS - 1)
                .set()
                .ofMinSize(1)
                .ofMaxSize(BUCKETS)
                .flatMap(set -> Arbitraries.longs()
                        .between(1, 3)
                        .list()
                        .ofSize(set.size())
                        .map(tokens -> new Batch(List.copyOf(set), tokens)));
    }
}
