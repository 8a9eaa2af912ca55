package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.spi.impl.NodeEngineImpl;
import com.hazelcast.spi.impl.PartitionSpecificRunnable;
import com.hazelcast.spi.impl.operationexecutor.OperationExecutor;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestCluster;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No request waits for another member to learn a type. Hazelcast replicates a Compact type's schema to every member
 * the first time a member serializes one, and blocks the serializing thread until all have acknowledged. That thread
 * is whichever one serializes: the partition thread that completed a decision, when a lease is then recorded. With
 * another member slow to answer (a pause, an overloaded machine: the chaos suite's kill -9 and SIGSTOP), the member's
 * partition thread stalled, and every decision of its partitions with it. A member therefore replicates the schemas
 * of everything it stores or returns while it starts, before it is ready.
 */
class CompactSchemasTest {

    /** Much longer than the request deadline (2 s), and than what the 32 requests below take when none waits. */
    private static final Duration MEMBER_1_BUSY = Duration.ofSeconds(10);

    @Test
    void shouldAnswerLeasesAndDecisionsWhileAnotherMemberIsSlowToAnswer() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            Api a = cluster.api(0);
            assertThat(a.put("/v1/rules/slow", Map.of("match", "slow:*", "capacity", 1000, "refillPerSecond", 1000))
                            .status())
                    .isEqualTo(201);

            // When member 1 answers none of the calls that go to its generic threads for 10 s, and clients take the
            // first leases and decisions through member 0 (on keys of both members' partitions)
            CountDownLatch resume = busyGenericThreads(cluster.node(1).hazelcast(), MEMBER_1_BUSY);
            long start = System.nanoTime();
            try {
                // Then every lease is granted and recorded (its tokens can come back), every decision is answered,
                // and all of them long before member 1 answers again
                for (int i = 0; i < 16; i++) {
                    Api.Response lease = a.post("/v1/buckets/slow:" + i + "/lease", Map.of("tokens", 1));
                    assertThat(lease.status()).as("lease %d: %s", i, lease).isEqualTo(200);
                    assertThat(lease.json().path("leaseId").isTextual())
                            .as("lease %d recorded: %s", i, lease)
                            .isTrue();
                    Api.Response acquire = a.post("/v1/buckets/slow:" + i + "/acquire", "{}");
                    assertThat(acquire.status())
                            .as("acquire %d: %s", i, acquire)
                            .isEqualTo(200);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(MEMBER_1_BUSY.dividedBy(2));
            } finally {
                resume.countDown();
            }
        }
    }

    /** Occupies every generic operation thread of {@code member} for {@code busy}, or until the latch is counted down. */
    private static CountDownLatch busyGenericThreads(HazelcastInstance member, Duration busy) {
        NodeEngineImpl engine =
                ((HazelcastInstanceProxy) member).getOriginal().node.getNodeEngine();
        OperationExecutor executor = engine.getOperationService().getOperationExecutor();
        // the generic threads, without the priority ones (which take only urgent calls, such as heartbeats)
        int threads = engine.getProperties().getInteger(ClusterProperty.GENERIC_OPERATION_THREAD_COUNT);
        CountDownLatch resume = new CountDownLatch(1);
        CountDownLatch busyNow = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            executor.execute(new PartitionSpecificRunnable() {
                @Override
                public int getPartitionId() {
                    return -1; // the generic queue
                }

                @Override
                public void run() {
                    busyNow.countDown();
                    try {
                        resume.await(busy.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }
        try {
            assertThat(busyNow.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return resume;
    }
}
