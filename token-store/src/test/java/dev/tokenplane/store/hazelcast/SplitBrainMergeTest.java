package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real split brain and its heal: two members of one cluster name start apart (each forms a cluster of its own, as
 * the two sides of a partition do), each serves the same bucket at full limits, then one finds the other and the
 * clusters merge. The merged bucket holds the lower of the two token counts, so the heal adds no tokens, and what the
 * key admitted while split is within the stated bound: sides x (capacity + refill x duration).
 */
class SplitBrainMergeTest {

    private static final String BUCKETS = "buckets";
    private static final long CAPACITY = 100;
    private final FakeClock clock = new FakeClock(); // refill stays 0 while time stands still, so counts are exact
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    private HazelcastInstance member(String cluster, int port, int... join) {
        Config config = TestMembers.config(cluster, port, join);
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "1");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "1");
        config.getNetworkConfig().getJoin().getTcpIpConfig().setConnectionTimeoutSeconds(1);
        HazelcastBucketStore.configure(
                config, BUCKETS, BucketMapSettings.defaults().withClock(clock));
        HazelcastInstance m = TestMembers.start(config);
        members.add(m);
        return m;
    }

    private static long granted(HazelcastBucketStore store, BucketSpec spec, long tokens) {
        return await(store.acquire("key", spec, tokens, 0)) instanceof AcquireResult.Granted ? tokens : 0;
    }

    @Test
    void shouldKeepTheLowerTokenCountWhenTheSidesMerge() {
        String cluster = TestMembers.uniqueClusterName();
        int[] ports = TestMembers.freePorts(2);
        // Side A knows B's address but B is not up yet; side B knows only itself: two clusters of one member each
        HazelcastInstance a = member(cluster, ports[0], ports[0], ports[1]);
        HazelcastInstance b = member(cluster, ports[1], ports[1]);
        assertThat(a.getCluster().getMembers()).hasSize(1);
        assertThat(b.getCluster().getMembers()).hasSize(1);
        HazelcastBucketStore storeA = new HazelcastBucketStore(a, BUCKETS);
        HazelcastBucketStore storeB = new HazelcastBucketStore(b, BUCKETS);
        BucketSpec spec = BucketSpec.of(CAPACITY, 1);

        // While split, each side serves the key at its full limit: A grants 90, B grants 30
        long admitted = 0;
        for (int i = 0; i < 9; i++) {
            admitted += granted(storeA, spec, 10);
        }
        for (int i = 0; i < 3; i++) {
            admitted += granted(storeB, spec, 10);
        }
        assertThat(admitted).isEqualTo(120).isLessThanOrEqualTo(2 * CAPACITY); // bound: 2 sides x (100 + 1/s x 0 s)

        // When A's split-brain handler finds B and the two merge
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (a.getCluster().getMembers().size() < 2
                || b.getCluster().getMembers().size() < 2
                || !a.getPartitionService().isClusterSafe()) {
            assertThat(System.nanoTime()).as("the sides merged within 60 s").isLessThan(deadline);
            LockSupport.parkNanos(50_000_000);
        }

        // Then the bucket holds the lower count (10 left on A, not 70 on B) seen from either member
        HazelcastBucketStore healedA = new HazelcastBucketStore(a, BUCKETS);
        HazelcastBucketStore healedB = new HazelcastBucketStore(b, BUCKETS);
        long mergedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (tokens(healedA) != Tokens.toNano(10)) {
            assertThat(System.nanoTime())
                    .as("merged value within 30 s, now %s", tokens(healedA))
                    .isLessThan(mergedDeadline);
            LockSupport.parkNanos(50_000_000);
        }
        assertThat(tokens(healedB)).isEqualTo(Tokens.toNano(10));
        assertThat(granted(healedA, spec, 20)).isZero(); // the heal handed out nothing new
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static long tokens(HazelcastBucketStore store) {
        return await(store.get("key")).map(BucketState::tokens).orElse(-1L);
    }
}
