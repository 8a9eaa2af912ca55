package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The buckets of a member that crashed are sized by the member their partitions fall to: the survivor's list of the
 * buckets it owns ({@code OwnedBucketIndex}, kept by entry events, which a promotion does not fire) follows the
 * partition table.
 */
class MemberLeavesSizingTest {
    private static final long TICK_MS = 100;

    @Test
    void shouldSizeTheBucketsOfACrashedMemberOnTheSurvivor() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            for (int i = 0; i < 2; i++) {
                cluster.settings(i).with("BMS_SIZING_INTERVAL_MS", Long.toString(TICK_MS));
                cluster.start(i, BmsMain.options());
            }
            cluster.awaitClusterSafe();
            HazelcastInstance survivor = cluster.node(0).hazelcast();
            HazelcastInstance crashing = cluster.node(1).hazelcast();
            Api api = cluster.api(0);
            Map<String, Object> rule = Map.of(
                    "match", "gone:*",
                    "capacity", 10,
                    "refillPerSecond", 10,
                    "minCapacity", 5,
                    "maxCapacity", 40,
                    "adaptive", Map.of("enabled", true));
            assertThat(api.put("/v1/rules/sz-gone", rule).status()).isEqualTo(201);
            // Given buckets the second member owns, created while both ran (so the survivor's ticks already listed
            // what it owned then)
            Member second = crashing.getCluster().getLocalMember();
            List<String> keys = new ArrayList<>();
            for (int i = 0; keys.size() < 6; i++) {
                String key = "gone:k" + i;
                String stored = StoreKey.scoped(key, "sz-gone", null).encode();
                if (second.equals(
                        survivor.getPartitionService().getPartition(stored).getOwner())) {
                    keys.add(key);
                    assertThat(api.send("POST", "/v1/buckets/" + key + "/acquire", Map.of(), false)
                                    .status())
                            .isEqualTo(200);
                }
            }
            Observed observed = new Observed(api);
            observed.awaitTicks(3);

            // When the second member crashes (its backups on the survivor are promoted)
            crashing.getLifecycleService().terminate();
            cluster.stop(1);
            Await.until(
                    () -> survivor.getCluster().getMembers().size() == 1
                            && keys.stream()
                                    .allMatch(k -> survivor.getPartitionService()
                                            .getPartition(StoreKey.scoped(k, "sz-gone", null)
                                                    .encode())
                                            .getOwner()
                                            .localMember()),
                    Duration.ofSeconds(30),
                    () -> "the survivor did not take the partitions over");

            // Then the survivor grows them under demand, as it does its own
            try (Traffic traffic = new Traffic(api).demand(keys, 10)) {
                Await.until(
                        () -> keys.stream().allMatch(k -> observed.capacity(k) == 40),
                        Duration.ofSeconds(30),
                        () -> "capacities "
                                + keys.stream().map(observed::capacity).toList());
            }
        }
    }
}
