package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.io.Serializable;
import java.util.List;
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

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
            member = null;
        }
    }
}
