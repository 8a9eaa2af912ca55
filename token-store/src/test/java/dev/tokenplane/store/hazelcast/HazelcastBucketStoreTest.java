package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract against one embedded member whose clock is the test's fake clock. The member is shared by the
 * class (it takes seconds to start); each test starts from an empty map.
 */
class HazelcastBucketStoreTest extends AbstractBucketStoreContractTest {

    private static final String MAP = "buckets";
    private static final SwitchableClock MEMBER_CLOCK = new SwitchableClock();
    private static HazelcastInstance member;

    @Override
    protected BucketStore newStore(FakeClock clock) {
        if (member == null) {
            member = TestMembers.startWithBuckets(MAP, MEMBER_CLOCK);
        }
        MEMBER_CLOCK.use(clock);
        member.getMap(MAP).clear();
        return new HazelcastBucketStore(member, MAP);
    }

    /**
     * Dependents attached before completion run on the completion executor: the executor here holds every task until
     * the dependent is attached, then runs it on its own named thread.
     */
    @Test
    void shouldRunDependentsOnTheCompletionExecutor() throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "completions-under-test"));
        try {
            BucketSpec spec = BucketSpec.of(10, 10);
            assertThat(completionThread(thread, s -> s.acquire("a", spec, 1, 0)))
                    .isEqualTo("completions-under-test");
            assertThat(completionThread(thread, s -> s.get("a"))).isEqualTo("completions-under-test");
            assertThat(completionThread(
                            thread,
                            s -> s.acquireAll(
                                    List.of(new AcquireCommand("a", spec, 1, 0), new AcquireCommand("b", spec, 1, 0)))))
                    .isEqualTo("completions-under-test");
            assertThat(completionThread(thread, s -> s.remove("a"))).isEqualTo("completions-under-test");
        } finally {
            thread.shutdownNow();
        }
    }

    private static String completionThread(
            ExecutorService thread, Function<HazelcastBucketStore, CompletionStage<?>> call) throws Exception {
        CountDownLatch attached = new CountDownLatch(1);
        Executor gated = task -> thread.execute(() -> {
            try {
                attached.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        try (HazelcastBucketStore gatedStore = new HazelcastBucketStore(member, MAP, gated)) {
            CompletionStage<String> dependent = call.apply(gatedStore)
                    .thenApply(ignored -> Thread.currentThread().getName());
            attached.countDown();
            return await(dependent);
        }
    }

    @Test
    void shouldRefuseAMapThatWasNotConfigured() {
        assertThatThrownBy(() -> new HazelcastBucketStore(member, "not-configured"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("HazelcastBucketStore.configure(config, \"not-configured\")");
    }

    @Test
    void shouldRefuseTwoClocksOnOneMember() {
        Config config = new Config();
        HazelcastBucketStore.configure(config, "a", BucketMapSettings.defaults().withClock(new FakeClock()));

        assertThatThrownBy(() -> HazelcastBucketStore.configure(
                        config, "b", BucketMapSettings.defaults().withClock(new FakeClock())))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The members of these tests refuse Java deserialization ({@link MemberSerialization}), as production members do,
     * so a store type that fell back to it would fail as soon as a member read it.
     */
    @Test
    void shouldFailLoudlyOnAJavaSerializationFallback() {
        record JavaSerializable(int value) implements Serializable {}
        member.getMap("java-serialized").set("k", new JavaSerializable(1));

        assertThatThrownBy(() -> member.getMap("java-serialized").get("k"))
                .isInstanceOf(HazelcastSerializationException.class)
                .hasRootCauseInstanceOf(SecurityException.class)
                .hasStackTraceContaining(JavaSerializable.class.getName() + " is not allowed");
    }

    /**
     * A decision writes the bucket's next state over the array the map already holds (PackedState#encodeInto), so
     * that no old map record points at a young array: that is what kept G1's young pauses long with many buckets. A
     * new array is allocated only when the state outgrows the one it has (arrays never shrink), a few times in a
     * bucket's life; before, every decision allocated one.
     */
    @Test
    void shouldWriteEachDecisionOverTheArrayTheMapHolds() {
        FakeClock clock = new FakeClock();
        BucketStore store = newStore(clock);
        BucketSpec spec = BucketSpec.of(100, 10);
        Set<Integer> arrays = new HashSet<>();

        for (int i = 0; i < 200; i++) {
            clock.advance(i % 7 * 13);
            store.acquire("a", spec, 1 + i % 3, 0).toCompletableFuture().join();
            arrays.add(storedArrayIdentity("a"));
        }

        assertThat(arrays).hasSizeLessThanOrEqualTo(3);
    }

    /** The identity of the array the member's map holds for {@code key} (a local call: the processor is not sent). */
    private static int storedArrayIdentity(String key) {
        return member.<String, byte[]>getMap(MAP).executeOnKey(key, new StoredArrayIdentity());
    }

    private static final class StoredArrayIdentity implements EntryProcessor<String, byte[], Integer>, ReadOnly {
        @Override
        public Integer process(Map.Entry<String, byte[]> entry) {
            return System.identityHashCode(entry.getValue());
        }
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
            member = null;
        }
    }
}
