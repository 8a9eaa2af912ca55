package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.partition.MigrationInfo;
import com.hazelcast.internal.partition.impl.InternalPartitionServiceImpl;
import com.hazelcast.internal.partition.impl.MigrationInterceptor;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import dev.tokenplane.bms.support.TestSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member that joins while the cluster migrates the partitions its start writes to waits for the migration instead
 * of failing its start. Hazelcast refuses a write to a migrating partition and retries it only within the request
 * path's short budget ({@code BMS_REQUEST_TIMEOUT_MS}, about 3.5 s by default); a migration slowed by a loaded
 * machine outlasted that in the chaos suite, and the restarted member gave up its start.
 */
class StartDuringMigrationTest {

    /** Longer than the invocation retries of the default request deadline (about 3.5 s). */
    private static final Duration MIGRATION_HELD = Duration.ofSeconds(8);

    @BeforeEach
    void onePartition() {
        // One partition, so the one migration a join causes is the one every write of the start goes to. Only the
        // members of this test read it: they are created while it is set.
        System.setProperty("hazelcast.partition.count", "1");
    }

    @AfterEach
    void clear() {
        System.clearProperty("hazelcast.partition.count");
    }

    @Test
    void shouldWaitForAMigrationThatOutlastsTheRequestDeadline() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            // member 1's disk now holds a rule and its audit record, which its next start merges into the cluster
            cluster.api(1).put("/v1/rules/kept", Map.of("match", "kept:*", "capacity", 7, "refillPerSecond", 1));
            cluster.stop(1);
            int httpPort = TestSettings.freePort();
            int decisionPort = TestSettings.freePort();
            cluster.settings(1)
                    .with("BMS_PORT", Integer.toString(httpPort))
                    .with("BMS_DECISION_PORT", Integer.toString(decisionPort));

            // When member 0 holds the migration that member 1's join starts, with the partition flagged as migrating,
            // and member 1 goes on with its start (past its join) only once the migration is held
            Held held = new Held(MIGRATION_HELD);
            partitionService(cluster.node(0).hazelcast()).setMigrationInterceptor(held);
            CompletableFuture<Void> started = CompletableFuture.runAsync(() -> {
                try {
                    cluster.start(1, BmsOptions.CORE.withStore(store -> {
                        held.awaitHolding();
                        return store;
                    }));
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            // Then while it waits, member 1 listens for HTTP but refuses its API (503) and its decision port
            // (which has no readiness gate of its own)
            Api starting = new Api("http://127.0.0.1:" + httpPort, TestCluster.ADMIN_TOKEN);
            Await.until(() -> listening(httpPort));
            assertThat(started).isNotDone();
            assertThat(starting.get("/v1/rules/kept").status()).isEqualTo(503);
            assertThat(listening(decisionPort))
                    .as("decision port open while starting")
                    .isFalse();

            // And it starts once the migration ends, serves the rule it merged, and opens its decision port
            started.get(60, TimeUnit.SECONDS);
            assertThat(held.released)
                    .as("a migration was held while member 1 started")
                    .isTrue();
            assertThat(cluster.api(1)
                            .get("/v1/rules/kept")
                            .json()
                            .get("capacity")
                            .asLong())
                    .isEqualTo(7);
            assertThat(listening(decisionPort)).isTrue();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private static InternalPartitionServiceImpl partitionService(HazelcastInstance hazelcast) {
        return (InternalPartitionServiceImpl)
                ((HazelcastInstanceProxy) hazelcast).getOriginal().node.getPartitionService();
    }

    /**
     * Holds the first migration on the master once its data reached the destination, before it commits: the source
     * still flags the partition as migrating and refuses writes to it.
     */
    private static final class Held implements MigrationInterceptor {
        private final Duration hold;
        private final CountDownLatch holding = new CountDownLatch(1);
        /** Set by the first migration, the one held: later ones go by. */
        private final AtomicBoolean taken = new AtomicBoolean();

        final AtomicBoolean released = new AtomicBoolean();

        Held(Duration hold) {
            this.hold = hold;
        }

        @Override
        public void onMigrationComplete(MigrationParticipant participant, MigrationInfo migration, boolean success) {
            if (participant != MigrationParticipant.MASTER || !success || !taken.compareAndSet(false, true)) {
                return;
            }
            holding.countDown();
            try {
                Thread.sleep(hold.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            released.set(true);
        }

        void awaitHolding() {
            try {
                assertThat(holding.await(30, TimeUnit.SECONDS))
                        .as("the join's migration began")
                        .isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
