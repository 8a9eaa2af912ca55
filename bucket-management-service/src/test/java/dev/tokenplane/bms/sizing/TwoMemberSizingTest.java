package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.CountingStore;
import dev.tokenplane.bms.support.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
                cluster.start(i, BmsMain.options().withStore(s -> stores[member] = new CountingStore(s)));
            }
            HazelcastInstance[] members = {
                cluster.node(0).hazelcast(), cluster.node(1).hazelcast()
            };
            // (start waited for a safe cluster)
            Await.until(() -> members[0].getCluster().getMembers().size() == 2 && ownsPartitions(members[1]));
            // ...and client buckets tied to no server (they follow their own demand), some owned by each member
            Api api = cluster.api(0);
            Map<String, Object> rule = new HashMap<>(Map.of(
                    "match",
                    "two:*",
                    "capacity",
                    10,
                    "refillPerSecond",
                    10,
                    "minCapacity",
                    5,
                    "maxCapacity",
                    40,
                    "adaptive",
                    Map.of("enabled", true)));
            assertThat(api.put("/v1/rules/sz-two", rule).status()).isEqualTo(201);
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                keys.add("two:k" + i);
            }
            List<String> all = new ArrayList<>(keys);
            all.add("two:solo"); // a bucket without traffic, to be removed
            for (String key : all) {
                assertThat(api.send("POST", "/v1/buckets/" + key + "/acquire", Map.of(), false)
                                .status())
                        .isEqualTo(200);
            }
            // the buckets live at their store keys: the key scoped by its rule
            List<String> stored = all.stream()
                    .map(k -> StoreKey.scoped(k, "sz-two", null).encode())
                    .toList();
            String solo = StoreKey.scoped("two:solo", "sz-two", null).encode();
            List<Set<String>> owned = List.of(ownedBy(members[0], stored), ownedBy(members[1], stored));
            assertThat(owned).allSatisfy(mine -> assertThat(mine).isNotEmpty());
            Observed[] observed = {new Observed(api), new Observed(cluster.api(1))};

            // When every bucket is asked for far more than it holds, through member 0 only
            try (Traffic traffic = new Traffic(api).demand(keys, 10)) {
                Await.until(() -> keys.stream().allMatch(k -> observed[0].capacity(k) == 40));

                // Then each bucket's sizing state lives with it, on its owner
                for (int m = 0; m < 2; m++) {
                    Set<String> states = new HashSet<>(
                            members[m].<String, byte[]>getMap(SizingStates.MAP).localKeySet());
                    states.retainAll(stored);
                    assertThat(states).isEqualTo(owned.get(m));
                }
                // ...and when a bucket goes, its sizing state follows at the next tick
                assertThat(cluster.node(0)
                                .store()
                                .remove(solo)
                                .toCompletableFuture()
                                .get())
                        .isTrue();
                Await.until(() -> !members[0].getMap(SizingStates.MAP).containsKey(solo));
            }
            // (the loop leaves the buckets alone from here: their rule stops being adaptive)
            rule.put("adaptive", Map.of("enabled", false));
            assertThat(api.put("/v1/rules/sz-two", rule).status()).isEqualTo(200);
            observed[0].awaitTicks(2);
            observed[1].awaitTicks(2);

            // Then each bucket was resized only by the member that owns it, once per resize in its history
            int recorded = 0;
            for (int m = 0; m < 2; m++) {
                List<String> calls = List.copyOf(stores[m].resized);
                assertThat(calls).as("member %d resized something", m).isNotEmpty();
                assertThat(owned.get(m))
                        .as("member %d resized only its own buckets", m)
                        .containsAll(calls);
                for (String key : owned.get(m)) {
                    List<Long> times = cluster.node(0)
                            .history()
                            .get(key)
                            .toCompletableFuture()
                            .get()
                            .map(h -> h.history().stream()
                                    .map(ResizeHistory.Resize::at)
                                    .toList())
                            .orElse(List.of());
                    assertThat(calls.stream().filter(key::equals).count())
                            .as(key)
                            .isEqualTo(times.size());
                    for (int i = 1; i < times.size(); i++) {
                        assertThat(times.get(i) - times.get(i - 1))
                                .as("%s: one resize per tick", key)
                                .isGreaterThanOrEqualTo(TICK_MS);
                    }
                    recorded += times.size();
                }
            }
            double counted = 0;
            for (Observed o : observed) {
                counted += o.resizes("sz-two", "grow") + o.resizes("sz-two", "shrink");
            }
            assertThat(counted).isEqualTo(recorded);
        }
    }

    /** Whether the member that joined second owns its share of the partitions yet (the migration has begun). */
    private static boolean ownsPartitions(HazelcastInstance member) {
        Member self = member.getCluster().getLocalMember();
        return member.getPartitionService().getPartitions().stream()
                        .filter(p -> self.equals(p.getOwner()))
                        .count()
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
