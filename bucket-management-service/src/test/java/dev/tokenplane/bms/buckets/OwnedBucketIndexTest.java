package dev.tokenplane.bms.buckets;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.store.hazelcast.TestMembers;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The index of the owned buckets on real members: it follows the entry events without walking the map, and follows
 * the partitions when members join, leave or crash, so that every member lists exactly the keys it owns.
 */
class OwnedBucketIndexTest {
    private static final String MAP = "idx-buckets";
    private static final byte[] STATE = {1};

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<OwnedBucketIndex> indexes = new ArrayList<>();
    /** The rules the indexes hold (the adaptive and pooled ones, in the BMS). */
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() {
        indexes.forEach(OwnedBucketIndex::close);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    private static String scoped(String key, String rule) {
        return StoreKey.scoped(key, rule, null).encode();
    }

    private List<String> fill(IMap<String, byte[]> map, String rule, int n) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = scoped(rule + ":k" + i, rule);
            map.set(key, STATE);
            keys.add(key);
        }
        return keys;
    }

    private void startCluster(int n) {
        members.addAll(TestMembers.startCluster(n, config -> {}));
        for (HazelcastInstance m : members) {
            indexes.add(open(m));
        }
    }

    private OwnedBucketIndex open(HazelcastInstance member) {
        return OwnedBucketIndex.open(member, MAP, InstantSource.system(), () -> Set.copyOf(tracked));
    }

    /** What member {@code m} owns of {@code group}, read from Hazelcast itself (a query: the test may walk). */
    private Set<String> truth(int m, String group) {
        return members.get(m).<String, byte[]>getMap(MAP).localKeySet().stream()
                .filter(k -> OwnedBuckets.groupOf(k).equals(group))
                .collect(Collectors.toSet());
    }

    private void awaitExact(int m, String group) {
        Await.until(
                () -> new HashSet<>(indexes.get(m).ofRule(group)).equals(truth(m, group)),
                Duration.ofSeconds(20),
                () -> "member " + m + " lists " + indexes.get(m).ofRule(group).size() + " keys of " + group + ", owns "
                        + truth(m, group).size());
    }

    @Test
    void shouldListTheBucketsOfACallerKeyUnderEveryRuleFromTheEvents() {
        // Given an override that names caller key "pinned:k" (its buckets may be under any rule, for any client)
        startCluster(2);
        tracked.add(OwnedBuckets.keyGroup("pinned:k"));
        IMap<String, byte[]> map = members.get(0).getMap(MAP);
        indexes.forEach(i -> i.ofKey("pinned:k")); // the first use scans (nothing yet)

        // When buckets of that key and of others are created after the scan
        Set<String> pinned = Set.of(
                scoped("pinned:k", "fixed"),
                scoped("pinned:k", "other"),
                StoreKey.scoped("pinned:k", "per-client", "c1").encode(),
                "pinned:k"); // from before scoping
        pinned.forEach(k -> map.set(k, STATE));
        map.set(scoped("pinned:k2", "fixed"), STATE); // a key that only starts the same
        fill(map, "fixed", 100);

        // Then together the members list exactly that key's buckets, from the events, and hold no other key
        Await.until(() -> {
            Set<String> listed = new HashSet<>(indexes.get(0).ofKey("pinned:k"));
            listed.addAll(indexes.get(1).ofKey("pinned:k"));
            return listed.equals(pinned);
        });
        assertThat(indexes.get(0).size() + indexes.get(1).size())
                .as("the key's buckets, and the one from before scoping in the unscoped group too")
                .isEqualTo(pinned.size() + 1);
        assertThat(indexes).allSatisfy(i -> assertThat(i.scans()).isEqualTo(1));

        // and a removed one leaves
        map.delete(scoped("pinned:k", "other"));
        Await.until(() -> indexes.stream().noneMatch(i -> i.ofKey("pinned:k").contains(scoped("pinned:k", "other"))));
    }

    @Test
    void shouldListEachRulesOwnedKeysFromTheEventsWithoutWalkingTheMapAgain() {
        startCluster(2);
        tracked.addAll(Set.of("a", "b"));
        IMap<String, byte[]> map = members.get(0).getMap(MAP);
        indexes.forEach(i -> i.ofRule("a")); // the first use scans (nothing yet)
        List<String> a = fill(map, "a", 300);
        List<String> b = fill(map, "b", 50);
        fill(map, "fixed", 200); // a rule the ticks leave alone: not held
        map.set("legacy-key", STATE); // a bucket from before scoping

        for (int m = 0; m < 2; m++) {
            awaitExact(m, "a");
            awaitExact(m, "b");
            awaitExact(m, OwnedBuckets.UNSCOPED);
        }
        Set<String> listed = new HashSet<>(indexes.get(0).ofRule("a"));
        listed.addAll(indexes.get(1).ofRule("a"));
        assertThat(listed).containsExactlyInAnyOrderElementsOf(a);

        // removed, evicted and expired buckets leave the index
        for (int i = 0; i < 100; i++) {
            map.delete(a.get(i));
        }
        for (int i = 100; i < 150; i++) {
            map.evict(a.get(i));
        }
        for (String key : b) {
            map.set(key, STATE, 1, TimeUnit.SECONDS);
        }
        // (an expired entry is removed when read after its time, or by a background task some time later)
        Await.until(() -> b.stream().allMatch(k -> map.get(k) == null));
        assertThat(map.size()).isEqualTo(351);
        for (int m = 0; m < 2; m++) {
            awaitExact(m, "a");
            Await.until(() -> indexes.stream().allMatch(i -> i.ofRule("b").isEmpty()));
            assertThat(indexes.get(m).size())
                    .as("only the tracked rules' keys are held")
                    .isEqualTo(truth(m, "a").size()
                            + truth(m, OwnedBuckets.UNSCOPED).size());
        }
        // all of it from the events: one scan per member, at the first use, while no partition moved
        assertThat(indexes).allSatisfy(i -> assertThat(i.scans()).isEqualTo(1));

        // a rule that starts being tracked (it became adaptive) is found by one more scan; one that stops is dropped
        tracked.add("fixed");
        for (int m = 0; m < 2; m++) {
            awaitExact(m, "fixed");
        }
        assertThat(indexes).allSatisfy(i -> assertThat(i.scans()).isEqualTo(2));
        tracked.remove("fixed");
        indexes.forEach(i -> i.ofRule("a"));
        for (int m = 0; m < 2; m++) {
            assertThat(indexes.get(m).size())
                    .isEqualTo(truth(m, "a").size()
                            + truth(m, OwnedBuckets.UNSCOPED).size());
        }
    }

    @Test
    void shouldFollowThePartitionsWhenAMemberJoinsLeavesOrCrashes() {
        startCluster(2);
        tracked.add("a");
        IMap<String, byte[]> map = members.get(0).getMap(MAP);
        indexes.forEach(i -> i.ofRule("a"));
        fill(map, "a", 400);
        awaitExact(0, "a");
        awaitExact(1, "a");

        // a third member joins: partitions move to it, and their keys leave the others' lists
        int[] ports = members.stream()
                .mapToInt(m -> m.getCluster().getLocalMember().getAddress().getPort())
                .toArray();
        int port = TestMembers.freePorts(1)[0];
        int[] all = {ports[0], ports[1], port};
        Config third = TestMembers.config(members.get(0).getConfig().getClusterName(), port, all);
        members.add(TestMembers.start(third));
        indexes.add(open(members.get(2)));
        Await.until(() -> members.get(0).getPartitionService().isClusterSafe()
                && !truth(2, "a").isEmpty());
        for (int m = 0; m < 3; m++) {
            awaitExact(m, "a");
        }

        // one leaves gracefully (its partitions migrate to the others), then one crashes (its backups are promoted)
        indexes.remove(1).close();
        members.remove(1).shutdown();
        Await.until(() -> members.get(0).getPartitionService().isClusterSafe());
        awaitExact(0, "a");
        awaitExact(1, "a");
        indexes.remove(1).close();
        members.remove(1).getLifecycleService().terminate();
        Await.until(() -> members.get(0).getCluster().getMembers().size() == 1, Duration.ofSeconds(30), () -> "left");

        // the survivor lists every bucket, and created buckets keep coming in by their events
        Await.until(
                () -> indexes.get(0).ofRule("a").size() == 400,
                Duration.ofSeconds(30),
                () -> "survivor lists " + indexes.get(0).ofRule("a").size());
        map.set(scoped("a:late", "a"), STATE);
        Await.until(() -> indexes.get(0).ofRule("a").size() == 401);
        awaitExact(0, "a");
    }
}
