package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.FakeClock;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RuntimeTuningTest {

    @Test
    void shouldTellAPartitionThreadByWhatItIsNotByItsName() throws Exception {
        // A thread named like Hazelcast's partition threads is not one
        AtomicBoolean impostor = new AtomicBoolean(true);
        Thread named = new Thread(
                () -> impostor.set(RuntimeTuning.isPartitionThread()), "hz.member.partition-operation.thread-0");
        named.start();
        named.join();
        assertThat(impostor).isFalse();
        assertThat(RuntimeTuning.isPartitionThread()).isFalse();

        // A store's answer for a bucket this member owns completes on the bucket's partition thread
        HazelcastInstance member = TestMembers.startWithBuckets("tuning", new FakeClock());
        try {
            ConcurrentLinkedQueue<Boolean> completedOnPartitionThread = new ConcurrentLinkedQueue<>();
            try (HazelcastBucketStore store = new HazelcastBucketStore(member, "tuning", task -> {
                completedOnPartitionThread.add(RuntimeTuning.isPartitionThread());
                task.run();
            })) {
                for (int i = 0; i < 20; i++) {
                    store.acquire("k" + i, BucketSpec.of(10, 10), 1, 0)
                            .toCompletableFuture()
                            .get(30, TimeUnit.SECONDS);
                }
            }
            // An answer that arrives before its continuation is attached completes on the caller: hence "some"
            assertThat(completedOnPartitionThread).contains(true);
        } finally {
            member.shutdown();
        }
    }

    @Test
    void shouldKeepACommonPoolSizeTheCommandLineSet() {
        String before = System.getProperty(RuntimeTuning.COMMON_POOL_PARALLELISM);
        try {
            System.setProperty(RuntimeTuning.COMMON_POOL_PARALLELISM, "7");
            RuntimeTuning.applyCommonPoolDefault();
            assertThat(System.getProperty(RuntimeTuning.COMMON_POOL_PARALLELISM))
                    .isEqualTo("7");

            System.clearProperty(RuntimeTuning.COMMON_POOL_PARALLELISM);
            RuntimeTuning.applyCommonPoolDefault();
            assertThat(Integer.parseInt(System.getProperty(RuntimeTuning.COMMON_POOL_PARALLELISM)))
                    .isGreaterThanOrEqualTo(RuntimeTuning.MIN_COMMON_POOL_PARALLELISM)
                    .isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
        } finally {
            if (before == null) {
                System.clearProperty(RuntimeTuning.COMMON_POOL_PARALLELISM);
            } else {
                System.setProperty(RuntimeTuning.COMMON_POOL_PARALLELISM, before);
            }
        }
        // Surefire starts test JVMs with a pool of 4 (test.jvm.flags): no warning
        assertThat(RuntimeTuning.commonPoolWarning()).isEmpty();
    }
}
