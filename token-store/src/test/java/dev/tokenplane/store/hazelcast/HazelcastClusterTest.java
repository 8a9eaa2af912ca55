package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.DemandSample;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three members in one JVM on loopback tcp-ip, sharing one fake clock (so every owner agrees on the time and the
 * bounds are exact). Each test uses its own keys, so the members are shared by the class.
 */
class HazelcastClusterTest {

    private static final String BUCKETS = "buckets";
    private static final String SWEPT = "swept";
    private static final String EXPIRING = "expiring";
    private static final FakeClock CLOCK = new FakeClock();

    private static List<HazelcastInstance> members;
    private static final List<HazelcastBucketStore> stores = new ArrayList<>();
    private static final List<HazelcastBucketStore> sweptStores = new ArrayList<>();
    private static final List<HazelcastBucketStore> expiringStores = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        BucketMapSettings settings = BucketMapSettings.defaults().withClock(CLOCK);
        members = TestMembers.startCluster(3, config -> {
            config.setProperty("hazelcast.internal.map.expiration.task.period.seconds", "1");
            HazelcastBucketStore.configure(config, BUCKETS, settings.withSweepInterval(Duration.ZERO));
            HazelcastBucketStore.configure(config, SWEPT, settings.withSweepInterval(Duration.ofMillis(200)));
            HazelcastBucketStore.configure(config, EXPIRING, settings.withIdleExpiry(IdleExpiry.ENTRY_TTL));
        });
        for (HazelcastInstance m : members) {
            stores.add(new HazelcastBucketStore(m, BUCKETS));
            sweptStores.add(new HazelcastBucketStore(m, SWEPT));
            expiringStores.add(new HazelcastBucketStore(m, EXPIRING));
        }
    }

    @AfterAll
    static void stopCluster() {
        for (List<HazelcastBucketStore> list : List.of(stores, sweptStores, expiringStores)) {
            list.forEach(HazelcastBucketStore::close);
        }
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /**
     * Six threads, two through each member, half of them with single acquires and half with batches, drain one bucket
     * (capacity 1000, refill 100/s) in rounds. The clock stands still within a round and moves 250 ms between rounds,
     * an exact 25 tokens: the grants must be exactly 1000 + 25 per later round, whichever member took each request.
     */
    @Test
    void shouldAdmitExactlyOneBucketsWorthThroughAllMembers() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        BucketSpec spec = BucketSpec.of(1_000, 100);
        int threads = 6;
        int rounds = 5;
        long granted = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                List<Future<Long>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    HazelcastBucketStore store = stores.get(t % 3);
                    boolean batch = t % 2 == 1;
                    String own = "own-" + UUID.randomUUID();
                    futures.add(pool.submit(
                            () -> batch ? drainInBatches(store, key, own, spec) : drainOneByOne(store, key, spec)));
                }
                for (Future<Long> f : futures) {
                    granted += f.get(60, TimeUnit.SECONDS);
                }
                CLOCK.advance(250);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(granted).isEqualTo(1_000 + (rounds - 1) * 25);
    }

    /**
     * Batches of 25 commands on random keys of 40 (repeats included, 1 or 2 tokens each) from six threads, two through
     * each member, in rounds: the clock stands still within a round and moves 200 ms (10 tokens) between rounds, and
     * every round asks each bucket for far more than it holds. Each key's grants must be exactly its capacity plus its
     * refill over the elapsed time (never more: each key's commands run atomically on its owner; never less: every
     * round drains it), and every result must answer its own command.
     */
    @Test
    void shouldAdmitExactlyEachBucketsWorthUnderConcurrentBatchesOfRandomKeys() throws Exception {
        String prefix = "batch-" + UUID.randomUUID() + "-";
        BucketSpec spec = BucketSpec.of(30, 50);
        int keys = 40;
        int threads = 6;
        int rounds = 4;
        long[] grantedTokens = new long[keys];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                List<Future<long[]>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    HazelcastBucketStore store = stores.get(t % 3);
                    Random random = new Random(31L * round + t);
                    futures.add(pool.submit(() -> randomBatches(store, prefix, keys, spec, random)));
                }
                for (Future<long[]> f : futures) {
                    long[] perKey = f.get(60, TimeUnit.SECONDS);
                    for (int k = 0; k < keys; k++) {
                        grantedTokens[k] += perKey[k];
                    }
                }
                CLOCK.advance(200);
            }
        } finally {
            pool.shutdownNow();
        }

        long bound = 30 + (rounds - 1) * 10;
        for (int k = 0; k < keys; k++) {
            assertThat(grantedTokens[k]).as("tokens granted on key %d", k).isEqualTo(bound);
        }
    }

    /** 30 batches of 25 random commands; answers the tokens granted per key. */
    private static long[] randomBatches(
            HazelcastBucketStore store, String prefix, int keys, BucketSpec spec, Random random) {
        long[] granted = new long[keys];
        for (int b = 0; b < 30; b++) {
            List<AcquireCommand> batch = new ArrayList<>();
            int[] picked = new int[25];
            for (int i = 0; i < picked.length; i++) {
                picked[i] = random.nextInt(keys);
                batch.add(new AcquireCommand(prefix + picked[i], spec, 1 + random.nextInt(2), 0));
            }
            List<AcquireResult> results = await(store.acquireAll(batch));
            assertThat(results).hasSize(batch.size());
            for (int i = 0; i < picked.length; i++) {
                assertThat(results.get(i).tokens()).isEqualTo(batch.get(i).tokens());
                if (results.get(i).granted()) {
                    granted[picked[i]] += results.get(i).tokens();
                }
            }
        }
        return granted;
    }

    private static long drainOneByOne(HazelcastBucketStore store, String key, BucketSpec spec) {
        long mine = 0;
        while (await(store.acquire(key, spec, 1, 0)).granted()) {
            mine++;
        }
        return mine;
    }

    /** Batches of four commands on the shared key plus one on a key of the thread's own (so two owners). */
    private static long drainInBatches(HazelcastBucketStore store, String key, String own, BucketSpec spec) {
        long mine = 0;
        while (true) {
            List<AcquireCommand> batch = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                batch.add(new AcquireCommand(key, spec, 1, 0));
            }
            batch.add(new AcquireCommand(own, spec, 1, 0));
            List<AcquireResult> results = await(store.acquireAll(batch));
            long grantedHere = results.subList(0, 4).stream()
                    .filter(AcquireResult::granted)
                    .count();
            mine += grantedHere;
            if (grantedHere < 4) {
                return mine;
            }
        }
    }

    @Test
    void shouldRunEveryOperationThroughAMemberThatDoesNotOwnTheBucket() {
        // Given a bucket owned by member 0, used only through member 1's store (so every processor and result
        // crosses the network, under a serializer that refuses Java serialization)
        String key = keyOwnedBy(members.get(0), "remote-");
        String other = keyOwnedBy(members.get(2), "remote-");
        HazelcastBucketStore remote = stores.get(1);
        BucketSpec spec = BucketSpec.of(10, 10);

        // When / Then
        assertThat(await(remote.acquire(key, spec, 4, 0)))
                .isEqualTo(new AcquireResult.Granted(4, 6, 10, 10_000_000, 0));
        assertThat(await(remote.get(key)))
                .get()
                .extracting(BucketState::wholeTokens)
                .isEqualTo(6L);
        assertThat(await(remote.debit(key, Tokens.toNano(3), 0, 77))).isEqualTo(Tokens.toNano(3));
        assertThat(await(remote.debit(key, Tokens.toNano(3), 0, 77))).isEqualTo(Tokens.toNano(3));
        assertThat(await(remote.credit(key, Tokens.toNano(1), 78))).isEqualTo(Tokens.toNano(1));
        BucketState resized =
                await(remote.resize(key, 3, Tokens.ratePerMilli(3))).orElseThrow();
        assertThat(resized.capacity()).isEqualTo(3);
        assertThat(resized.wholeTokens()).isEqualTo(3);
        assertThat(resized.transfers().find(77)).hasValue(Tokens.toNano(3));
        DemandSample demand = await(remote.drainDemand(key)).orElseThrow();
        assertThat(demand.attempted()).isEqualTo(4);
        assertThat(demand.granted()).isEqualTo(4);
        assertThat(await(remote.acquire(other, spec, 1, 0))).isInstanceOf(AcquireResult.Granted.class);
        assertThat(await(remote.drainDemandAll(List.of(key, other, "remote-missing"))))
                .containsOnlyKeys(key, other)
                .hasEntrySatisfying(other, d -> assertThat(d.attempted()).isEqualTo(1));
        List<AcquireResult> batch = await(remote.acquireAll(List.of(
                new AcquireCommand(key, spec, 2, 0),
                new AcquireCommand(other, spec, 11, 0),
                new AcquireCommand(key, spec, 2, 0))));
        assertThat(batch.get(0)).isInstanceOf(AcquireResult.Granted.class);
        assertThat(batch.get(1)).isInstanceOf(AcquireResult.Unsatisfiable.class);
        assertThat(batch.get(2)).isInstanceOf(AcquireResult.Denied.class);
        assertThat(await(remote.remove(key))).isTrue();
        assertThat(await(remote.get(key))).isEmpty();
        assertThat(members.get(0).getMap(BUCKETS).containsKey(key)).isFalse();
    }

    /**
     * Buckets idle for their TTL and full are swept by the members that own them, and their backups go too; a bucket
     * used since stays.
     */
    @Test
    void shouldEvictIdleBucketsAndTheirBackupsWithTheSweep() {
        // Given 30 buckets with a one-minute idle TTL, each missing a token, and one used a minute later
        BucketSpec spec = BucketSpec.of(10, 10).withIdleTtlMillis(60_000);
        String prefix = "idle-" + UUID.randomUUID() + "-";
        for (int i = 0; i < 30; i++) {
            await(stores.get(i % 3).acquire(prefix + i, spec, 1, 0));
        }
        CLOCK.advance(60_000);
        String busy = prefix + "busy";
        await(stores.get(0).acquire(busy, spec, 1, 0));

        // When every member sweeps what it owns
        int evicted = stores.stream().mapToInt(HazelcastBucketStore::evictIdle).sum();

        // Then exactly the 30 idle ones are gone, everywhere
        assertThat(evicted).isEqualTo(30);
        IMap<String, byte[]> map = members.get(0).getMap(BUCKETS);
        for (int i = 0; i < 30; i++) {
            assertThat(map.containsKey(prefix + i)).as("bucket %d", i).isFalse();
        }
        assertThat(map.containsKey(busy)).isTrue();
        awaitTrue("backups follow the primaries", () -> backupEntries(BUCKETS) == map.size());
    }

    @Test
    void shouldEvictIdleBucketsInTheBackgroundSweep() {
        BucketSpec spec = BucketSpec.of(10, 10).withIdleTtlMillis(1_000);
        for (int i = 0; i < 10; i++) {
            await(sweptStores.get(i % 3).acquire("swept-" + i, spec, 1, 0));
        }
        assertThat(sweptStores.get(0).size()).isEqualTo(10);

        CLOCK.advance(1_000);

        awaitTrue(
                "the background sweep empties the map", () -> sweptStores.get(0).size() == 0);
    }

    /**
     * With per-entry TTL, Hazelcast (on its own, real clock) drops a bucket once nobody has written it for its idle
     * TTL, but never before it would have refilled: a drained bucket lives until it is full again.
     */
    @Test
    void shouldExpireIdleBucketsWithHazelcastEntryTtl() {
        // Given 10 buckets with a 1 s idle TTL, one drained bucket refilling 0.1 token/s (full again in 100 s), and one
        // without a TTL
        BucketSpec shortTtl = BucketSpec.of(10, 10).withIdleTtlMillis(1_000);
        for (int i = 0; i < 10; i++) {
            await(expiringStores.get(i % 3).acquire("expiring-" + i, shortTtl, 1, 0));
        }
        await(expiringStores.get(0).acquire("drained", BucketSpec.of(10, 0.1).withIdleTtlMillis(1_000), 10, 0));
        await(expiringStores.get(1).acquire("forever", BucketSpec.of(10, 10), 1, 0));
        IMap<String, byte[]> map = members.get(0).getMap(EXPIRING);
        assertThat(map.size()).isEqualTo(12);

        // Then the idle ones expire, and the drained one and the one without TTL stay
        awaitTrue("idle buckets expire", () -> map.size() == 2);
        assertThat(map.containsKey("drained")).isTrue();
        assertThat(map.containsKey("forever")).isTrue();
    }

    private static long backupEntries(String mapName) {
        return members.stream()
                .mapToLong(m -> m.getMap(mapName).getLocalMapStats().getBackupEntryCount())
                .sum();
    }

    static String keyOwnedBy(HazelcastInstance owner, String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (owner.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
