package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a Hazelcast <em>client</em> (the BMS's {@code BMS_HAZELCAST_MODE=client}): the store runs in a
 * client connected over TCP to one member, which holds the buckets and runs the processors at the test's fake clock.
 * The member is in this JVM only so that the contract's clock can drive it; the BMS's client mode is also tested
 * against a member in its own JVM ({@code ClientModeIT} in the BMS).
 */
class ClientHazelcastBucketStoreTest extends AbstractBucketStoreContractTest {

    private static final String MAP = "buckets";
    private static final SwitchableClock MEMBER_CLOCK = new SwitchableClock();
    private static HazelcastInstance member;
    private static HazelcastInstance client;

    @Override
    protected BucketStore newStore(FakeClock clock) {
        if (member == null) {
            member = TestMembers.startWithBuckets(MAP, MEMBER_CLOCK);
            client = HazelcastClient.newHazelcastClient(clientOf(member));
        }
        MEMBER_CLOCK.use(clock);
        client.getMap(MAP).clear();
        return new HazelcastBucketStore(client, MAP);
    }

    /** A client of {@code member}'s cluster, set up for the store. */
    static ClientConfig clientOf(HazelcastInstance member) {
        ClientConfig config = new ClientConfig();
        config.setClusterName(member.getConfig().getClusterName());
        config.setProperty("hazelcast.logging.type", "none");
        config.getNetworkConfig()
                .addAddress("127.0.0.1:"
                        + member.getCluster().getLocalMember().getAddress().getPort());
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(30_000);
        // The client nominates idle buckets at its own clock: the test's, like the member's.
        return HazelcastBucketStore.configureClient(
                config,
                MAP,
                BucketMapSettings.defaults().withSweepInterval(Duration.ZERO).withClock(MEMBER_CLOCK));
    }

    @Test
    void shouldRunOnAClientThatOwnsNoBuckets() {
        await(store.acquire("a", BucketSpec.of(10, 10), 1, 0));

        assertThat(client.getLocalEndpoint()).isNotNull(); // a client, not a member
        assertThat(store.ownedKeys()).isEmpty();
        assertThat(member.getMap(MAP).localKeySet()).containsExactly("a");
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (member != null) {
            member.shutdown();
        }
    }
}
