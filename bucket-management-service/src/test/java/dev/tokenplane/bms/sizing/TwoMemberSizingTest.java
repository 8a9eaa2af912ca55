package dev.tokenplane.bms.sizing;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.CountingStore;
import dev.tokenplane.bms.support.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** No leader: in a cluster, each member sizes the buckets its own partitions hold, and only those. */
class TwoMemberSizingTest {
    private static final long TICK_MS = 100;

    @Test
    void shouldSizeEachBucketOnlyOnTheMemberThatOwnsIt() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            // Given two members running the sizing loop, each store counting its resize calls
            CountingStore[] stores = new CountingStore[2];
            for (int i = 0; i < 2; i++) {
                int member = i;
                cluster.settings(i).with("BMS_SIZING_INTERVAL_MS", Long.toString(TICK_MS));
                cluster.start(i, BmsMain.extensions().withStore(s -> stores[member] = new CountingStore(s)));
            }
            HazelcastInstance[] members = {cluster.node(0).services().hazelcast(),
                    cluster.node(1).services().hazelcast()};
            Await.until(() -> members[0].getCluster().getMembers().size() == 2 && ownsPartitions(members[1])
                    && members[0].getPartitionService().isClusterSafe());
            // ...and client buckets tied to no server (they follow their own demand), some owned by each member
            Api api = cluster.api(0);
            assertThat(api.put("/v1/rules/sz-two", Map.of("match", "two:*", "capacity", 10, "refillPerSecond", 10,
                    "minCapacity", 5, "maxCapacity", 40, "adaptive", Map.of("enabled", true))).status())
                    .isEqualTo(201);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                keys.add("two:k" + i);
            }
            for (String key : keys) {
                assertThat(api.send("POST", "/v1/buckets/" + key + "/acquire", Map.of(), false).status())
                        .isEqualTo(200);
            }
            List<Set<String>> owned = List.of(ownedBy(members[0], keys), ownedBy(members[1], keys));
            assertThat(owned).allSatisfy(mine -> assertThat(mine).isNotEmpty());

            // When every bucket is asked for far more than it holds, through member 0 only
            Observed observed = new Observed(api);
            try (Traffic traffic = new Traffic(api).demand(keys, 10)) {
                Await.until(() -> keys.stream().allMatch(k -> observed.capacity(k) == 40));
            }

            // Then each bucket was resized only by the member that owns it, once per resize in its history
            int recorded = 0;
            for (int m = 0; m < 2; m++) {
                List<String> calls = List.copyOf(stores[m].resized);
                assertThat(calls).as("member %d resized something", m).isNotEmpty();
                assertThat(owned.get(m)).as("member %d resized only its own buckets", m).containsAll(calls);
                for (String key : owned.get(m)) {
                    JsonNode bucket = observed.bucket(key);
                    List<Long> times = Observed.times(bucket);
                    assertThat(calls.stream().filter(key::equals).count()).as(key).isEqualTo(times.size());
                    for (int i = 1; i < times.size(); i++) {
                        assertThat(times.get(i) - times.get(i - 1)).as("%s: one resize per tick", key)
                                .isGreaterThanOrEqualTo(TICK_MS);
                    }
                    recorded += times.size();
                }
            }
            double counted = observed.resizes("sz-two", "grow")
                    + new Observed(cluster.api(1)).resizes("sz-two", "grow");
            assertThat(counted).isEqualTo(recorded);

            // ...and each bucket's sizing state lives with it, on its owner
            for (int m = 0; m < 2; m++) {
                Set<String> states = new HashSet<>(members[m].<String, byte[]>getMap(SizingStates.MAP).localKeySet());
                states.retainAll(keys);
                assertThat(states).isEqualTo(owned.get(m));
            }

            // When a bucket goes, Then its sizing state follows at the next tick
            String gone = owned.get(1).iterator().next();
            assertThat(cluster.node(1).services().store().remove(gone).toCompletableFuture().get()).isTrue();
            Await.until(() -> !members[0].getMap(SizingStates.MAP).containsKey(gone));
        }
    }

    /** Whether the member that joined second owns its share of the partitions yet (the migration has begun). */
    private static boolean ownsPartitions(HazelcastInstance member) {
        Member self = member.getCluster().getLocalMember();
        return member.getPartitionService().getPartitions().stream().filter(p -> self.equals(p.getOwner())).count()
                > 100;
    }

    private static Set<String> ownedBy(HazelcastInstance member, List<String> keys) {
        Member self = member.getCluster().getLocalMember();
        Set<String> mine = new HashSet<>();
        for (String key : keys) {
            if (self.equals(member.getPartitionService().getPartition(key).getOwner())) {
                mine.add(key);
            }
        }
        return mine;
    }
}
