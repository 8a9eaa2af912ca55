package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.CreationGate;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store asks the member's {@link CreationGate} before an acquire creates a bucket, on a real member: a refused
 * creation writes nothing and answers {@link AcquireResult.Refused}, existing buckets are served as before, each batch
 * item is refused alone, and the buckets the store removes are reported back.
 */
class CreationGateTest {

    private static final String MAP = "gated";
    private static final FakeClock CLOCK = new FakeClock();
    private static final Gate GATE = new Gate();
    private static final BucketSpec SPEC = BucketSpec.of(10, 1).withIdleTtlMillis(1_000);
    private static HazelcastInstance member;
    private static HazelcastBucketStore store;

    /** Allows {@code room} buckets at a time: a creation takes one place, a removal gives it back. */
    static final class Gate implements CreationGate {
        final AtomicInteger room = new AtomicInteger();
        final AtomicInteger removed = new AtomicInteger();

        @Override
        public boolean tryCreate(BucketSpec spec) {
            return room.getAndUpdate(r -> r > 0 ? r - 1 : 0) > 0;
        }

        @Override
        public void removed(BucketState state) {
            removed.incrementAndGet();
            room.incrementAndGet();
        }
    }

    @BeforeAll
    static void startMember() {
        int port = TestMembers.freePorts(1)[0];
        var config = TestMembers.config(TestMembers.uniqueClusterName(), port, port);
        HazelcastBucketStore.configure(
                config,
                MAP,
                BucketMapSettings.defaults()
                        .withSweepInterval(Duration.ZERO)
                        .withClock(CLOCK)
                        .withCreationGate(GATE));
        member = TestMembers.start(config);
        store = new HazelcastBucketStore(member, MAP);
    }

    @BeforeEach
    void emptyMap() {
        member.getMap(MAP).clear();
        GATE.room.set(0);
        GATE.removed.set(0);
    }

    @Test
    void shouldRefuseACreationTheGateDeniesAndWriteNothing() throws Exception {
        // Given a gate with room for one bucket
        GATE.room.set(1);
        // When two keys ask
        AcquireResult first = acquire("a");
        AcquireResult second = acquire("b");
        // Then the first gets a bucket, the second a refusal with the spec's shape and no bucket
        assertThat(first).isInstanceOf(AcquireResult.Granted.class);
        assertThat(second).isEqualTo(new AcquireResult.Refused(1, 0, 10, SPEC.ratePerMilli()));
        assertThat(store.get("b").toCompletableFuture().get(10, TimeUnit.SECONDS))
                .isEmpty();
        assertThat(member.getMap(MAP).size()).isEqualTo(1);
    }

    @Test
    void shouldServeAnExistingBucketExactlyWhenTheGateIsClosed() throws Exception {
        // Given a bucket of 10 tokens, then a closed gate
        GATE.room.set(1);
        acquire("a");
        // When it is asked 10 more times
        int granted = 0;
        for (int i = 0; i < 10; i++) {
            granted += acquire("a").granted() ? 1 : 0;
        }
        // Then it grants its 9 remaining tokens and denies the 10th (no refusal: the gate is not asked)
        assertThat(granted).isEqualTo(9);
        assertThat(acquire("a")).isInstanceOf(AcquireResult.Denied.class);
    }

    @Test
    void shouldRefuseEachBatchItemAloneAndServeTheRest() throws Exception {
        // Given one existing bucket and room for one more
        GATE.room.set(1);
        acquire("old");
        GATE.room.set(1);
        // When a batch asks the old key, two new keys, and one of the new keys again
        List<AcquireResult> results = store.acquireAll(List.of(
                        new AcquireCommand("old", SPEC, 1, 0),
                        new AcquireCommand("n1", SPEC, 1, 0),
                        new AcquireCommand("n2", SPEC, 1, 0),
                        new AcquireCommand("n2", SPEC, 1, 0)))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        // Then the old key is granted, exactly one new key got the last place, and a refused key stays refused
        assertThat(results.get(0)).isInstanceOf(AcquireResult.Granted.class);
        long refused =
                results.stream().filter(r -> r instanceof AcquireResult.Refused).count();
        assertThat(refused).isBetween(1L, 2L);
        assertThat(member.getMap(MAP).size()).isEqualTo(2);
        if (results.get(2) instanceof AcquireResult.Refused) {
            assertThat(results.get(3)).isInstanceOf(AcquireResult.Refused.class);
        } else {
            assertThat(results.get(1)).isInstanceOf(AcquireResult.Refused.class);
        }
    }

    @Test
    void shouldReportTheBucketsItRemoves() throws Exception {
        // Given two buckets
        GATE.room.set(2);
        acquire("a");
        acquire("b");
        // When one is deleted and the other is swept once idle and full
        store.remove("a").toCompletableFuture().get(10, TimeUnit.SECONDS);
        CLOCK.advance(Duration.ofSeconds(60));
        int evicted = store.evictIdle();
        // Then the gate heard of both, and their places are free again
        assertThat(evicted).isEqualTo(1);
        assertThat(GATE.removed.get()).isEqualTo(2);
        assertThat(acquire("c")).isInstanceOf(AcquireResult.Granted.class);
        assertThat(acquire("d")).isInstanceOf(AcquireResult.Granted.class);
        assertThat(acquire("e")).isInstanceOf(AcquireResult.Refused.class);
    }

    private static AcquireResult acquire(String key) throws Exception {
        return store.acquire(key, SPEC, 1, 0).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopMember() {
        if (store != null) {
            store.close();
        }
        if (member != null) {
            member.shutdown();
        }
    }
}
