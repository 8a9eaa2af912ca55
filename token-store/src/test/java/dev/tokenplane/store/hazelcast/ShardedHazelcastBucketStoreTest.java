package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on the sharded layout (one entry per partition and shard; {@link ThreeShardsHazelcastBucketStoreTest}
 * runs it with three), and what the layout itself promises: each shard entry lives in its buckets' partition, and a
 * promoted backup holds exactly the states the owner wrote.
 */
class ShardedHazelcastBucketStoreTest extends AbstractBucketStoreContractTest {

    private static final String MAP = "sharded-buckets";
    private static final SwitchableClock MEMBER_CLOCK = new SwitchableClock();
    private static HazelcastInstance member;

    /** Shard entries per partition. */
    int shards() {
        return 1;
    }

    @Override
    protected BucketStore newStore(FakeClock clock) {
        if (member == null) {
            int port = TestMembers.freePorts(1)[0];
            member = TestMembers.start(
                    configure(TestMembers.config(TestMembers.uniqueClusterName(), port, port), MEMBER_CLOCK));
        }
        MEMBER_CLOCK.use(clock);
        member.getMap(MAP).clear();
        return new ShardedHazelcastBucketStore(member, MAP, shards(), null);
    }

    private static Config configure(Config config, InstantSource clock) {
        return ShardedHazelcastBucketStore.configure(
                config,
                MAP,
                BucketMapSettings.defaults().withSweepInterval(Duration.ZERO).withClock(clock));
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
            member = null;
        }
    }

    @Test
    void keepsEachPartitionsBucketsInItsShardEntriesInThatPartition() {
        List<AcquireCommand> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            batch.add(new AcquireCommand("layout-" + i, TEN_PER_SECOND, 1 + i % 3, 0));
        }
        await(store.acquireAll(batch));

        IMap<ShardKey, BucketShard> entries = member.getMap(MAP);
        Map<Integer, Integer> entriesByPartition = new HashMap<>();
        for (ShardKey k : entries.keySet()) {
            entriesByPartition.merge(
                    member.getPartitionService().getPartition(k).getPartitionId(), 1, Integer::sum);
        }
        Set<Integer> bucketPartitions = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            bucketPartitions.add(
                    member.getPartitionService().getPartition("layout-" + i).getPartitionId());
        }
        assertThat(entriesByPartition.keySet()).isEqualTo(bucketPartitions);
        assertThat(entriesByPartition.values()).allSatisfy(n -> assertThat(n).isBetween(1, shards()));
        assertThat(store.size()).isEqualTo(1_000);
        assertThat(Set.copyOf(store.ownedKeys())).hasSize(1_000).contains("layout-0", "layout-999");
        assertThat(await(store.get("layout-4")).map(BucketState::wholeTokens)).contains(8L);
    }

    /**
     * Two members; the second one dies without a word, so its partitions are served from the backups the first one
     * holds. Those must hold each bucket as the owner last wrote it: the backup ships the touched buckets' states.
     */
    @Test
    void aPromotedBackupHoldsEveryBucketAsTheOwnerLastWroteIt() {
        FakeClock frozen = new FakeClock();
        List<HazelcastInstance> members = TestMembers.startCluster(2, config -> configure(config, frozen));
        try (ShardedHazelcastBucketStore two = new ShardedHazelcastBucketStore(members.get(0), MAP, shards(), null)) {
            BucketSpec spec = BucketSpec.of(100, 1);
            List<AcquireCommand> batch = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                batch.add(new AcquireCommand("survivor-" + i, spec, 1 + i % 7, 0));
            }
            await(two.acquireAll(batch));
            for (int i = 0; i < 400; i += 2) { // and single calls on half of them
                await(two.acquire("survivor-" + i, spec, 3, 0));
            }
            await(two.remove("survivor-1"));

            members.get(1).getLifecycleService().terminate();

            Map<String, BucketState> after = new HashMap<>();
            for (int i = 0; i < 400; i++) {
                String key = "survivor-" + i;
                await(two.get(key)).ifPresent(s -> after.put(key, s));
            }
            assertThat(after).hasSize(399).doesNotContainKey("survivor-1");
            for (int i = 0; i < 400; i++) {
                if (i != 1) {
                    long taken = 1 + i % 7 + (i % 2 == 0 ? 3 : 0);
                    assertThat(after.get("survivor-" + i).wholeTokens())
                            .as("survivor-%d", i)
                            .isEqualTo(100 - taken);
                }
            }
        } finally {
            members.forEach(m -> m.getLifecycleService().terminate());
        }
    }
}
