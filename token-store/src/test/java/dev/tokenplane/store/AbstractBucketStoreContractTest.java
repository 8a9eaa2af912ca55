package dev.tokenplane.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link BucketStore} passes, after Bucket4j's {@code AbstractDistributedBucketTest}. A subclass
 * supplies a store whose time comes from the given fake clock.
 */
public abstract class AbstractBucketStoreContractTest {

    protected static final BucketSpec TEN_PER_SECOND = BucketSpec.of(10, 10);

    protected FakeClock clock;
    protected BucketStore store;

    /** A new, empty store whose operations read the time from {@code clock}. */
    protected abstract BucketStore newStore(FakeClock clock);

    @BeforeEach
    void createStore() {
        clock = new FakeClock();
        store = newStore(clock);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private AcquireResult acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return await(store.acquire(key, spec, tokens, maxWaitMs));
    }

    @Test
    void shouldCreateAFullBucketOnFirstUse() {
        AcquireResult r = acquire("a", TEN_PER_SECOND, 4, 0);

        assertThat(r).isEqualTo(new AcquireResult.Granted(4, 6, 10, 10_000_000, 0));
        assertThat(store.size()).isEqualTo(1);
        assertThat(await(store.get("a")))
                .get()
                .extracting(BucketState::wholeTokens)
                .isEqualTo(6L);
    }

    @Test
    void shouldDenyWithExactRetryAfterWhenEmpty() {
        // Given an empty bucket refilling 10 tokens per second
        acquire("a", TEN_PER_SECOND, 10, 0);

        // When 3 tokens are asked for
        AcquireResult denied = acquire("a", TEN_PER_SECOND, 3, 0);

        // Then they arrive in 300 ms, and not a millisecond earlier
        assertThat(denied).isEqualTo(new AcquireResult.Denied(3, 0, 10, 10_000_000, 300));
        clock.advance(299);
        assertThat(acquire("a", TEN_PER_SECOND, 3, 0).granted()).isFalse();
        clock.advance(1);
        assertThat(acquire("a", TEN_PER_SECOND, 3, 0).granted()).isTrue();
    }

    @Test
    void shouldRefillUpToCapacityOnly() {
        acquire("a", TEN_PER_SECOND, 10, 0);
        clock.advance(250);
        assertThat(await(store.get("a")))
                .get()
                .extracting(BucketState::wholeTokens)
                .isEqualTo(2L);

        clock.advance(3_600_000);

        assertThat(acquire("a", TEN_PER_SECOND, 1, 0).remaining()).isEqualTo(9);
    }

    @Test
    void shouldNotRefillWhenTheClockGoesBackwards() {
        acquire("a", TEN_PER_SECOND, 10, 0);
        clock.advance(-60_000);
        assertThat(acquire("a", TEN_PER_SECOND, 1, 0).granted()).isFalse();
        clock.advance(60_000);
        assertThat(acquire("a", TEN_PER_SECOND, 1, 0).granted()).isFalse();
        clock.advance(100);
        assertThat(acquire("a", TEN_PER_SECOND, 1, 0).granted()).isTrue();
    }

    @Test
    void shouldReserveAndReportTheWaitWhenTheCallerMayWait() {
        acquire("a", TEN_PER_SECOND, 10, 0);

        AcquireResult first = acquire("a", TEN_PER_SECOND, 2, 1_000);
        AcquireResult second = acquire("a", TEN_PER_SECOND, 2, 1_000);
        AcquireResult tooLong = acquire("a", TEN_PER_SECOND, 2, 500);

        assertThat(first).isEqualTo(new AcquireResult.Granted(2, 0, 10, 10_000_000, 200));
        assertThat(second).isEqualTo(new AcquireResult.Granted(2, 0, 10, 10_000_000, 400));
        assertThat(tooLong).isEqualTo(new AcquireResult.Denied(2, 0, 10, 10_000_000, 100));
    }

    @Test
    void shouldRejectMoreThanCapacityWithoutCreatingTheBucket() {
        AcquireResult r = acquire("a", TEN_PER_SECOND, 11, 0);

        assertThat(r).isInstanceOf(AcquireResult.Unsatisfiable.class);
        assertThat(await(store.get("a"))).isEmpty();
    }

    @Test
    void shouldResetToANewGenerationKeepingTokensClamped() {
        acquire("a", TEN_PER_SECOND, 2, 0);

        AcquireResult r = acquire("a", BucketSpec.of(5, 1).withGeneration(2), 1, 0);

        assertThat(r).isEqualTo(new AcquireResult.Granted(1, 4, 5, 1_000_000, 0));
    }

    @Test
    void shouldDebitOnlyAboveTheFloorAndCreditOnlyUpToCapacity() {
        acquire("a", TEN_PER_SECOND, 4, 0);

        long taken = await(store.debit("a", Tokens.toNano(5), Tokens.toNano(3)));
        long accepted = await(store.credit("a", Tokens.toNano(100)));

        assertThat(taken).isEqualTo(Tokens.toNano(3));
        assertThat(accepted).isEqualTo(Tokens.toNano(7));
        assertThat(await(store.debit("missing", 1, 0))).isZero();
        assertThat(await(store.credit("missing", 1))).isZero();
        assertThat(await(store.get("missing"))).isEmpty();
    }

    @Test
    void shouldApplyEachTransferStepOnceWhenRetried() {
        acquire("lender", TEN_PER_SECOND, 2, 0);
        acquire("borrower", TEN_PER_SECOND, 10, 0);

        long debited = await(store.debit("lender", Tokens.toNano(3), 0, 42));
        long debitedAgain = await(store.debit("lender", Tokens.toNano(3), 0, 42));
        long credited = await(store.credit("borrower", Tokens.toNano(3), 42));
        long creditedAgain = await(store.credit("borrower", Tokens.toNano(3), 42));

        assertThat(debited).isEqualTo(debitedAgain).isEqualTo(Tokens.toNano(3));
        assertThat(credited).isEqualTo(creditedAgain).isEqualTo(Tokens.toNano(3));
        assertThat(await(store.get("lender")))
                .get()
                .extracting(BucketState::wholeTokens)
                .isEqualTo(5L);
        assertThat(await(store.get("borrower")))
                .get()
                .extracting(BucketState::wholeTokens)
                .isEqualTo(3L);
    }

    @Test
    void shouldResizeKeepingTokensClamped() {
        acquire("a", TEN_PER_SECOND, 1, 0);

        BucketState smaller =
                await(store.resize("a", 5, Tokens.ratePerMilli(5))).orElseThrow();
        BucketState larger =
                await(store.resize("a", 50, Tokens.ratePerMilli(50))).orElseThrow();

        assertThat(smaller.wholeTokens()).isEqualTo(5);
        assertThat(larger.wholeTokens()).isEqualTo(5);
        assertThat(larger.capacity()).isEqualTo(50);
        assertThat(await(store.resize("missing", 5, 5))).isEmpty();
    }

    @Test
    void shouldRefuseAResizeComputedBeforeAReconfigurationThatLandsAfterIt() {
        // Given a bucket, and a resize computed from what its drain showed (as the sizing loop computes one)
        acquire("a", TEN_PER_SECOND, 1, 0);
        DemandSample drained = await(store.drainDemand("a")).orElseThrow();
        BucketSpec override =
                new BucketSpec(3, Tokens.ratePerMilli(3), Algorithm.TOKEN_BUCKET, TEN_PER_SECOND.generation() + 1, 0);

        // When an override reconfigures the bucket, and then the stale resize arrives
        BucketState overridden = await(store.reconfigure("a", override)).orElseThrow();
        var stale = await(store.resize("a", 50, Tokens.ratePerMilli(50), drained.generation()));

        // Then the resize is refused and the override stands
        assertThat(overridden.capacity()).isEqualTo(3);
        assertThat(overridden.generation()).isEqualTo(override.generation());
        assertThat(stale).isEmpty();
        assertThat(await(store.get("a")))
                .get()
                .extracting(BucketState::capacity, BucketState::generation)
                .containsExactly(3L, override.generation());
        // a resize computed against the override's generation lands; a missing bucket is neither resized nor made
        assertThat(await(store.resize("a", 4, Tokens.ratePerMilli(4), override.generation())))
                .get()
                .extracting(BucketState::capacity)
                .isEqualTo(4L);
        assertThat(await(store.reconfigure("missing", override))).isEmpty();
        assertThat(await(store.resize("missing", 4, 4, override.generation()))).isEmpty();
        assertThat(await(store.get("missing"))).isEmpty();
    }

    @Test
    void shouldDrainDemandCounters() {
        long start = clock.millis();
        acquire("a", TEN_PER_SECOND, 8, 0);
        acquire("a", TEN_PER_SECOND, 5, 0);
        clock.advance(1_000);

        DemandSample sample = await(store.drainDemand("a")).orElseThrow();
        DemandSample next = await(store.drainDemand("a")).orElseThrow();

        assertThat(sample).isEqualTo(new DemandSample(13, 8, start, start + 1_000, 10, 10_000_000, 0));
        assertThat(next.attempted()).isZero();
        assertThat(await(store.drainDemand("missing"))).isEmpty();
    }

    @Test
    void shouldReadManyBucketsAtOnceRefilledToNowLeavingOutMissingOnes() {
        // Given buckets on many keys (so, with Hazelcast, many partitions), each asked for a different number of tokens
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("read-many-" + i);
            acquire("read-many-" + i, TEN_PER_SECOND, 1 + i % 5, 0);
        }
        clock.advance(100); // one token back in each
        List<String> asked = new ArrayList<>(keys);
        asked.add("read-missing");

        // When
        Map<String, BucketState> read = await(store.getAll(asked));

        // Then every existing bucket answers its own state, as a single read would, and the reads changed nothing
        assertThat(read).hasSize(40).doesNotContainKey("read-missing");
        for (int i = 0; i < 40; i++) {
            assertThat(read.get("read-many-" + i).wholeTokens()).isEqualTo(Math.min(10, 10 - (1 + i % 5) + 1));
            assertThat(read.get("read-many-" + i))
                    .isEqualTo(await(store.get("read-many-" + i)).orElseThrow());
        }
        assertThat(await(store.getAll(List.of()))).isEmpty();
    }

    @Test
    void shouldDrainTheDemandOfManyBucketsAtOnceLeavingOutMissingOnes() {
        // Given buckets on many keys (so, with Hazelcast, many partitions), one of them from generation 7
        long start = clock.millis();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add("many-" + i);
            acquire("many-" + i, TEN_PER_SECOND, 1 + i % 5, 0);
        }
        acquire("gen", TEN_PER_SECOND.withGeneration(7), 2, 0);
        clock.advance(500);
        List<String> asked = new ArrayList<>(keys);
        asked.add("gen");
        asked.add("missing");

        // When
        Map<String, DemandSample> drained = await(store.drainDemandAll(asked));

        // Then every existing bucket answers its own counters, and they start again from zero
        assertThat(drained).hasSize(41).doesNotContainKey("missing");
        for (int i = 0; i < 40; i++) {
            assertThat(drained.get("many-" + i))
                    .isEqualTo(new DemandSample(1 + i % 5, 1 + i % 5, start, start + 500, 10, 10_000_000, 0));
        }
        assertThat(drained.get("gen").generation()).isEqualTo(7);
        assertThat(await(store.drainDemandAll(keys)).values())
                .allSatisfy(s -> assertThat(s.attempted()).isZero());
        assertThat(await(store.drainDemandAll(List.of()))).isEmpty();
    }

    @Test
    void shouldKeepEachClassOutOfItsReserveInTheSameStepAsTheTake() {
        long low = PriorityReserves.DEFAULTS.reservePpm(Priority.LOW);
        long critical = PriorityReserves.DEFAULTS.reservePpm(Priority.CRITICAL);
        // Given a bucket of 10 with 3 left: low must leave 2, so it gets one token and then a 100 ms retry
        acquire("p", TEN_PER_SECOND, 7, 0);
        assertThat(await(store.acquire("p", TEN_PER_SECOND, 1, 0, low)).granted())
                .isTrue();
        assertThat(await(store.acquire("p", TEN_PER_SECOND, 1, 0, low)))
                .isEqualTo(new AcquireResult.Denied(1, 2, 10, 10_000_000, 100));
        // critical takes the reserve, down to the last token, in a batch too
        List<AcquireResult> batch = await(store.acquireAll(List.of(
                new AcquireCommand("p", TEN_PER_SECOND, 1, 0, low),
                new AcquireCommand("p", TEN_PER_SECOND, 2, 0, critical),
                new AcquireCommand("p", TEN_PER_SECOND, 1, 0, critical))));
        assertThat(batch).extracting(AcquireResult::granted).containsExactly(false, true, false);
        assertThat(batch.get(1).remaining()).isZero();
        // and a retry-after of the low class is exact
        clock.advance(299);
        assertThat(await(store.acquire("p", TEN_PER_SECOND, 1, 0, low)).granted())
                .isFalse();
        clock.advance(1);
        assertThat(await(store.acquire("p", TEN_PER_SECOND, 1, 0, low)).granted())
                .isTrue();
    }

    @Test
    void shouldAnswerABatchInOrderApplyingSameKeyCommandsInOrder() {
        List<AcquireCommand> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(new AcquireCommand("k" + (i % 3), BucketSpec.of(3, 1), 1, 0));
        }
        batch.add(new AcquireCommand("big", BucketSpec.of(3, 1), 4, 0));

        List<AcquireResult> results = await(store.acquireAll(batch));

        assertThat(results).hasSize(13);
        for (int i = 0; i < 12; i++) {
            assertThat(results.get(i).granted()).as("result %d", i).isEqualTo(i < 9);
            assertThat(results.get(i).remaining()).as("remaining %d", i).isEqualTo(Math.max(0, 2 - i / 3));
        }
        assertThat(results.get(12)).isInstanceOf(AcquireResult.Unsatisfiable.class);
    }

    @Test
    void shouldEvictOnlyBucketsThatAreIdleAndFull() {
        BucketSpec spec = TEN_PER_SECOND.withIdleTtlMillis(60_000);
        acquire("idle", spec, 10, 0);
        acquire("forever", TEN_PER_SECOND, 1, 0);
        clock.advance(59_999);
        assertThat(store.evictIdle()).isZero();

        clock.advance(1);

        assertThat(store.evictIdle()).isEqualTo(1);
        assertThat(await(store.get("idle"))).isEmpty();
        assertThat(await(store.get("forever"))).isPresent();
        assertThat(acquire("idle", spec, 10, 0).granted()).isTrue();
    }

    @Test
    void shouldRemoveABucket() {
        acquire("a", TEN_PER_SECOND, 1, 0);
        assertThat(await(store.remove("a"))).isTrue();
        assertThat(await(store.remove("a"))).isFalse();
        assertThat(store.size()).isZero();
    }

    @Test
    void shouldGrantExactlyCapacityPlusRefillToEightThreadsOnOneKey() throws Exception {
        assertGrantsExactlyTheBoundUnderContention(1);
    }

    @Test
    void shouldGrantExactlyCapacityPlusRefillToEightThreadsOnManyKeys() throws Exception {
        assertGrantsExactlyTheBoundUnderContention(50);
    }

    /**
     * Eight threads hammer {@code keys} buckets (capacity 100, refill 100/s) in rounds. Within a round the clock stands
     * still and every thread acquires until its keys deny, so each round empties every bucket; between rounds the clock
     * moves 37 ms. With an integral refill per millisecond there is no rounding: the grants must equal
     * {@code keys * (capacity + 100/s * elapsed)} exactly, and can never exceed it.
     */
    private void assertGrantsExactlyTheBoundUnderContention(int keys) throws Exception {
        BucketSpec spec = BucketSpec.of(100, 100);
        int threads = 8;
        int rounds = 20;
        long start = clock.millis();
        long granted = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                List<Future<Long>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t;
                    futures.add(pool.submit(() -> {
                        long mine = 0;
                        for (int k = 0; k < keys; k++) {
                            String key = "key-" + ((k + offset) % keys);
                            while (acquire(key, spec, 1, 0).granted()) {
                                mine++;
                            }
                        }
                        return mine;
                    }));
                }
                for (Future<Long> f : futures) {
                    granted += f.get(60, TimeUnit.SECONDS);
                }
                clock.advance(37);
            }
        } finally {
            pool.shutdownNow();
        }
        long elapsedBeforeLastRound = clock.millis() - 37 - start;
        long bound = keys * (100 + 100 * elapsedBeforeLastRound / 1_000);
        assertThat(granted).isEqualTo(bound);
    }
}
