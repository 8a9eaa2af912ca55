package dev.tokenplane.benchmarks;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import dev.tokenplane.store.hazelcast.IdleExpiry;
import dev.tokenplane.store.hazelcast.ShardedHazelcastBucketStore;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decisions on one embedded Hazelcast member, two threads: the tokenplane store against bucket4j-hazelcast on the
 * same kind of member, on 1 key (contended) and on 100k keys (random). Every bucket is created before measuring and
 * never denies (10^9 tokens, 10^9/s), so this is the cost of one atomic remote decision. Callers wait for each answer,
 * as a request handler would.
 *
 * <ul>
 *   <li>{@code tokenplane}: one {@code acquire} per decision; {@code completions} says which executor completes the
 *       returned stage ({@code direct}, the store's default: the Hazelcast thread that answered; {@code pool}: a
 *       hand-over to another thread, as to a Vert.x event loop; {@code threadPerCallback}: a new thread per
 *       completion, which is what Hazelcast's public async API costs on two CPUs, where the common pool has one
 *       thread).</li>
 *   <li>{@code tokenplaneBatch}: 100 decisions per {@code acquireAll} call on random keys (about 85 of the 271
 *       partitions each), reported per decision; {@code tokenplaneBatchColocated}: the same on 100 keys that share a
 *       partition. {@code -p layout=sharded} runs both on the sharded layout ({@link ShardedHazelcastBucketStore}:
 *       one entry per partition and shard, {@code -p shards=N} per partition).</li>
 *   <li>{@code bucket4j} / {@code bucket4jAsync}: {@code tryConsume(1)} on a pre-built proxy, synchronous or through
 *       Bucket4j's async API; {@code bucket4jPerDecision} is the synchronous one in batches of 100, for symmetry.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@Threads(2)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "java.se",
            "--add-exports",
            "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens",
            "java.base/java.lang=ALL-UNNAMED",
            "--add-opens",
            "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens",
            "java.management/sun.management=ALL-UNNAMED",
            "--add-opens",
            "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "-Dhazelcast.phone.home.enabled=false",
            "-Xms2g",
            "-Xmx2g"
        })
public class HazelcastAcquireBenchmark {

    static final long BIG = 1_000_000_000L;
    static final int BATCH = 100;

    static String key(int i) {
        return String.format("b-%08d", i);
    }

    @State(Scope.Benchmark)
    public static class Tokenplane {
        @Param({"1", "100000"})
        int keys;

        @Param({"OBJECT", "BINARY"})
        String format;

        @Param({"direct", "pool", "threadPerCallback"})
        String completions;
        /** The member's partition count: a batch of 100 random keys touches about 84 of 271, all of 23. */
        @Param({"271"})
        int partitions;
        /** Members of the cluster, all in this JVM on loopback; the store runs on the first (which owns 1/n of keys). */
        @Param({"1"})
        int members;
        /**
         * {@code entry}: one map entry per bucket ({@link HazelcastBucketStore}, the default store); {@code sharded}:
         * one entry per partition and shard ({@link ShardedHazelcastBucketStore}, {@code shards} per partition).
         */
        @Param({"entry"})
        String layout;

        @Param({"1"})
        int shards;

        List<HazelcastInstance> cluster;
        HazelcastInstance member;
        BucketStore store;
        ExecutorService pool;
        String[] names;
        final BucketSpec spec = BucketSpec.of(BIG, BIG);

        @Setup(Level.Trial)
        public void setUp() {
            cluster = Members.startCluster(
                    members,
                    InMemoryFormat.valueOf(format),
                    IdleExpiry.SWEEP,
                    InMemoryFormat.BINARY,
                    false,
                    partitions);
            member = cluster.get(0);
            Executor executor = switch (completions) {
                case "direct" -> null;
                case "pool" ->
                    pool = Executors.newFixedThreadPool(2, r -> {
                        Thread t = new Thread(r, "completions");
                        t.setDaemon(true);
                        return t;
                    });
                case "threadPerCallback" -> r -> new Thread(r).start();
                default -> throw new IllegalArgumentException(completions);
            };
            store = switch (layout) {
                case "entry" -> new HazelcastBucketStore(member, Members.TOKENPLANE_MAP, executor);
                case "sharded" -> new ShardedHazelcastBucketStore(member, Members.SHARDED_MAP, shards, executor);
                default -> throw new IllegalArgumentException(layout);
            };
            names = new String[keys];
            List<AcquireCommand> batch = new ArrayList<>();
            for (int i = 0; i < keys; i++) {
                names[i] = key(i);
                batch.add(new AcquireCommand(names[i], spec, 1, 0));
                if (batch.size() == 1_000 || i == keys - 1) {
                    store.acquireAll(batch).toCompletableFuture().join();
                    batch = new ArrayList<>();
                }
            }
        }

        String randomKey() {
            return names[keys == 1 ? 0 : ThreadLocalRandom.current().nextInt(keys)];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
            if (pool != null) {
                pool.shutdownNow();
            }
            cluster.forEach(m -> m.getLifecycleService().terminate());
        }
    }

    /**
     * 100k buckets in 1,000 groups of 100 whose keys share a partition ({@code b-00000042@g0000}), as a client's keys
     * would if the BMS named them so: a batch of one group's keys is one partition operation.
     */
    @State(Scope.Benchmark)
    public static class TokenplaneColocated {
        static final int GROUPS = 1_000;

        HazelcastInstance member;
        HazelcastBucketStore store;
        String[][] groups;
        final BucketSpec spec = BucketSpec.of(BIG, BIG);

        @Setup(Level.Trial)
        public void setUp() {
            member = Members.start(InMemoryFormat.OBJECT, IdleExpiry.SWEEP, InMemoryFormat.BINARY, true);
            store = new HazelcastBucketStore(member, Members.TOKENPLANE_MAP);
            groups = new String[GROUPS][BATCH];
            for (int g = 0; g < GROUPS; g++) {
                List<AcquireCommand> batch = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    groups[g][i] = key(g * BATCH + i) + String.format("@g%04d", g);
                    batch.add(new AcquireCommand(groups[g][i], spec, 1, 0));
                }
                store.acquireAll(batch).toCompletableFuture().join();
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
            member.getLifecycleService().terminate();
        }
    }

    @State(Scope.Benchmark)
    public static class Bucket4j {
        @Param({"1", "100000"})
        int keys;

        HazelcastInstance member;
        BucketProxy[] buckets;
        AsyncBucketProxy[] asyncBuckets;

        @Setup(Level.Trial)
        public void setUp() {
            member = Members.start(InMemoryFormat.OBJECT, IdleExpiry.SWEEP, InMemoryFormat.BINARY);
            ProxyManager<String> proxies = Bucket4jHazelcast.entryProcessorBasedBuilder(
                            member.<String, byte[]>getMap(Members.BUCKET4J_MAP))
                    .build();
            BucketConfiguration configuration = BucketConfiguration.builder()
                    .addLimit(limit -> limit.capacity(BIG).refillGreedy(BIG, Duration.ofSeconds(1)))
                    .build();
            buckets = new BucketProxy[keys];
            asyncBuckets = new AsyncBucketProxy[keys];
            for (int i = 0; i < keys; i++) {
                buckets[i] = proxies.builder().build(key(i), () -> configuration);
                asyncBuckets[i] = proxies.asAsync()
                        .builder()
                        .build(key(i), () -> java.util.concurrent.CompletableFuture.completedFuture(configuration));
                buckets[i].tryConsume(1);
            }
        }

        int randomIndex() {
            return keys == 1 ? 0 : ThreadLocalRandom.current().nextInt(keys);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            member.getLifecycleService().terminate();
        }
    }

    @Benchmark
    public boolean tokenplane(Tokenplane s) {
        return s.store
                .acquire(s.randomKey(), s.spec, 1, 0)
                .toCompletableFuture()
                .join()
                .granted();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int tokenplaneBatch(Tokenplane s) {
        List<AcquireCommand> commands = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            commands.add(new AcquireCommand(s.randomKey(), s.spec, 1, 0));
        }
        return s.store.acquireAll(commands).toCompletableFuture().join().size();
    }

    /** 100 decisions per call on the keys of one group, which share a partition; reported per decision. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int tokenplaneBatchColocated(TokenplaneColocated s) {
        String[] group = s.groups[ThreadLocalRandom.current().nextInt(TokenplaneColocated.GROUPS)];
        List<AcquireCommand> commands = new ArrayList<>(BATCH);
        for (String key : group) {
            commands.add(new AcquireCommand(key, s.spec, 1, 0));
        }
        return s.store.acquireAll(commands).toCompletableFuture().join().size();
    }

    @Benchmark
    public boolean bucket4j(Bucket4j s) {
        return s.buckets[s.randomIndex()].tryConsume(1);
    }

    @Benchmark
    public boolean bucket4jAsync(Bucket4j s) {
        return s.asyncBuckets[s.randomIndex()].tryConsume(1).join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int bucket4jPerDecision(Bucket4j s) {
        int granted = 0;
        for (int i = 0; i < BATCH; i++) {
            granted += s.buckets[s.randomIndex()].tryConsume(1) ? 1 : 0;
        }
        return granted;
    }
}
