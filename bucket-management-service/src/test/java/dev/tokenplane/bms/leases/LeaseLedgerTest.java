package dev.tokenplane.bms.leases;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.compact.CompactSerializer;
import com.hazelcast.partition.PartitionService;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The ledger on two real Hazelcast members (the BMS's member configuration, a unique cluster name, tcp-ip on
 * loopback): leases live in their bucket's partition, release once, only for their bucket and client and before they
 * expire (on a fake clock), and survive the abrupt loss of the member that owned them (one backup).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeaseLedgerTest {
    static final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    static final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    static HazelcastInstance a;
    static HazelcastInstance b;
    static LeaseLedger ledger;

    @BeforeAll
    static void start() throws Exception {
        String cluster = "test-" + UUID.randomUUID();
        TestSettings sa = TestSettings.member(cluster);
        TestSettings sb = TestSettings.member(cluster);
        String members = "127.0.0.1:" + sa.hazelcastPort() + ",127.0.0.1:" + sb.hazelcastPort();
        a = Hazelcast.newHazelcastInstance(config(sa.with("BMS_CLUSTER_MEMBERS", members)));
        b = Hazelcast.newHazelcastInstance(config(sb.with("BMS_CLUSTER_MEMBERS", members)));
        Await.until(() -> a.getCluster().getMembers().size() == 2);
        ledger = new LeaseLedger(a, clock);
    }

    static Config config(TestSettings settings) {
        Config config = HazelcastMember.config(settings.build(), settings.get("BMS_CLUSTER_SECRET"));
        LeaseLedger.configure(config);
        return config;
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.getLifecycleService().terminate();
        }
        if (a != null) {
            a.getLifecycleService().terminate();
        }
    }

    static LeaseLedger.Opened open(String key, String client, long tokens, long ttlMs) {
        return ledger.open(key, client, tokens, ttlMs).toCompletableFuture().join();
    }

    static Lease.Release release(String key, String id, String client, long tokens) {
        return ledger.release(key, id, client, tokens).toCompletableFuture().join();
    }

    @Test
    @Order(0)
    void shouldHaveASampleOfEveryCompactTypeForItsSchema() {
        assertThat(LeaseLedger.schemaSamples())
                .map(Object::getClass)
                .containsExactlyInAnyOrderElementsOf(LeaseSerializers.all().stream()
                        .map(CompactSerializer::getCompactClass)
                        .toList());
    }

    @Test
    @Order(1)
    void shouldKeepALeaseInItsBucketsPartition() {
        PartitionService partitions = a.getPartitionService();
        for (int i = 0; i < 200; i++) {
            String key = "tenant-" + i + ":route/" + i;
            String id = open(key, null, 1, 60_000).leaseId();

            assertThat(partitions.getPartition(new LeaseKey(id, key)).getPartitionId())
                    .isEqualTo(partitions.getPartition(key).getPartitionId());
        }
    }

    @Test
    @Order(2)
    void shouldReleaseOnceAndOnlyForItsBucketAndClient() {
        // Given a lease of 5 tokens of bucket k for client acme
        LeaseLedger.Opened lease = open("ledger:k", "acme", 5, 60_000);
        String id = lease.leaseId();

        // Then another bucket, another client, or no client cannot release it
        assertThat(release("ledger:other", id, "acme", 5)).isInstanceOf(Lease.Refused.class);
        assertThat(release("ledger:k", id, "globex", 5)).isInstanceOf(Lease.Refused.class);
        assertThat(release("ledger:k", id, null, 5)).isInstanceOf(Lease.Refused.class);
        // and acme releases at most its 5, once
        assertThat(release("ledger:k", id, "acme", 9)).isEqualTo(new Lease.Returned(5));
        assertThat(release("ledger:k", id, "acme", 9)).isInstanceOf(Lease.Refused.class);
        assertThat(lease.expiresAt()).isEqualTo(now.get() + 60_000);
        assertThat(id).matches("[A-Za-z0-9_-]{22}");
        assertThat(LeaseLedger.isWellFormed(id)).isTrue();
    }

    @Test
    @Order(3)
    void shouldRefuseAReleaseOnceTheLeaseHasExpired() {
        // Given two leases living 1 s
        String early = open("ledger:ttl", null, 3, 1_000).leaseId();
        String late = open("ledger:ttl", null, 3, 1_000).leaseId();

        // When 999 ms pass, then 1 ms more
        now.addAndGet(999);
        Lease.Release inTime = release("ledger:ttl", early, null, 3);
        now.addAndGet(1);
        Lease.Release tooLate = release("ledger:ttl", late, null, 3);

        // Then the first is released, the second not
        assertThat(inTime).isEqualTo(new Lease.Returned(3));
        assertThat(tooLate).isInstanceOf(Lease.Refused.class);
    }

    @Test
    @Order(4)
    void shouldKeepLeasesWhenTheMemberOwningThemIsLost() {
        // Given 40 leases, some owned by member b
        List<String[]> leases = new ArrayList<>();
        int ownedByB = 0;
        for (int i = 0; i < 40; i++) {
            String key = "ledger:failover" + i;
            leases.add(new String[] {key, open(key, "acme", i + 1, 60_000).leaseId()});
            if (b.getPartitionService().getPartition(key).getOwner().localMember()) {
                ownedByB++;
            }
        }
        assertThat(ownedByB).isPositive();

        // When b is killed (no graceful migration)
        b.getLifecycleService().terminate();
        b = null;
        Await.until(() -> a.getCluster().getMembers().size() == 1);

        // Then every lease is released on a from its backup, exactly once
        for (int i = 0; i < leases.size(); i++) {
            String[] l = leases.get(i);
            assertThat(release(l[0], l[1], "acme", 1_000)).as(l[0]).isEqualTo(new Lease.Returned(i + 1));
            assertThat(release(l[0], l[1], "acme", 1_000)).as(l[0]).isInstanceOf(Lease.Refused.class);
        }
    }
}
