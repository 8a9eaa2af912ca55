package dev.tokenplane.store.hazelcast;

import static dev.tokenplane.store.hazelcast.HazelcastClusterTest.await;
import static dev.tokenplane.store.hazelcast.HazelcastClusterTest.awaitTrue;
import static dev.tokenplane.store.hazelcast.HazelcastClusterTest.keyOwnedBy;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.FakeClock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A member that dies under load must not let its buckets over-admit.
 *
 * <p>The bound: a single-key acquire answers only after its synchronous backup acknowledged the state it wrote, and if
 * the owner dies before that, Hazelcast runs the request again on the new owner. So every grant a caller saw is in the
 * promoted backup, and only the requests in flight when the member died can be lost (applied on the dead member and
 * run again) or re-granted: at most one per load thread. The clock is frozen, so the buckets never refill: the total
 * granted must stay within {@code keys * capacity ± threads}. Without backups of every committed state, the dead
 * member's buckets would be re-created full and the total would exceed the bound by up to {@code keys * capacity}.
 */
class HazelcastMemberFailureTest {

    private static final String MAP = "buckets";

    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastBucketStore> stores = new ArrayList<>();

    @AfterEach
    void stopCluster() {
        stores.forEach(HazelcastBucketStore::close);
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    @Test
    void shouldNotOverAdmitBeyondTheInFlightRequestsWhenAnOwnerDiesUnderLoad() throws Exception {
        // Given three members, and 20 buckets of 200 tokens whose primary copy is on the member that will die
        FakeClock clock = new FakeClock();
        members.addAll(TestMembers.startCluster(
                3,
                config -> HazelcastBucketStore.configure(
                        config, MAP, BucketMapSettings.defaults().withClock(clock))));
        HazelcastInstance victim = members.get(2);
        stores.add(new HazelcastBucketStore(members.get(0), MAP));
        stores.add(new HazelcastBucketStore(members.get(1), MAP));
        int keys = 20;
        long capacity = 200;
        BucketSpec spec = BucketSpec.of(capacity, 1);
        List<String> victimKeys = new ArrayList<>();
        for (int i = 0; victimKeys.size() < keys; i++) {
            String key = keyOwnedBy(victim, "k" + i + "-");
            if (!victimKeys.contains(key)) {
                victimKeys.add(key);
            }
        }
        long bound = keys * capacity;

        // When eight threads drain them through the two survivors, and the owner is killed a quarter of the way in
        int threads = 8;
        AtomicLong granted = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> load = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            HazelcastBucketStore store = stores.get(t % 2);
            int offset = t;
            load.add(pool.submit(() -> drain(store, victimKeys, offset, spec, granted, failed)));
        }
        awaitTrue("a quarter of the tokens are granted", () -> granted.get() >= bound / 4);
        victim.getLifecycleService().terminate();
        for (Future<?> f : load) {
            f.get(120, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        // Then the survivors still hold every bucket, and the total granted is the bound give or take the requests
        // in flight at the kill (one per thread; a request that failed outright also counts as in flight)
        assertThat(members.get(0).getMap(MAP).size()).isEqualTo(keys);
        long inFlight = threads;
        assertThat(failed.get()).isLessThanOrEqualTo(inFlight);
        assertThat(granted.get())
                .as("granted (bound %d, %d in flight, %d failed)", bound, inFlight, failed.get())
                .isBetween(bound - inFlight, bound + inFlight);
    }

    /** Acquires one token at a time, cycling over the keys, until a whole cycle is denied. */
    private static void drain(
            HazelcastBucketStore store,
            List<String> keys,
            int offset,
            BucketSpec spec,
            AtomicLong granted,
            AtomicLong failed) {
        int deniedInARow = 0;
        for (int i = offset; deniedInARow < keys.size(); i++) {
            String key = keys.get(i % keys.size());
            boolean ok;
            try {
                ok = await(store.acquire(key, spec, 1, 0)).granted();
            } catch (AssertionError e) {
                failed.incrementAndGet();
                ok = false;
            }
            if (ok) {
                granted.incrementAndGet();
                deniedInARow = 0;
            } else {
                deniedInARow++;
            }
        }
    }
}
