package dev.tokenplane.benchmarks;

import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import dev.tokenplane.store.hazelcast.IdleExpiry;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Heap bytes per bucket on one member: fills N buckets (default 1,000,000; keys of 10 characters), forces full GCs,
 * and divides the growth of the used heap by N. One mode per JVM run:
 * <pre>
 * java [Hazelcast flags] -Xms4g -Xmx4g -cp benchmarks/target/benchmarks.jar \
 *     dev.tokenplane.benchmarks.MemoryFootprint MODE [N]
 * </pre>
 * Modes: {@code tokenplane-object-sweep} (the store's default), {@code tokenplane-binary-sweep},
 * {@code tokenplane-object-ttl}, {@code tokenplane-binary-ttl}, {@code bucket4j} (its default: BINARY, no expiry),
 * {@code bucket4j-expiry} (expire after refill to full, plus one hour), and the floors {@code bare-binary} and
 * {@code bare-object} (the same keys with a 20-byte value).
 *
 * <p>Every tokenplane bucket has an idle TTL of one hour (10 tokens, 10/s) and has had one token taken, so it carries
 * demand counters and a partial level, as a live bucket does.
 */
public final class MemoryFootprint {

    private MemoryFootprint() {}

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "tokenplane-object-sweep";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        HazelcastInstance member = Members.start(
                mode.contains("object") ? InMemoryFormat.OBJECT : InMemoryFormat.BINARY,
                mode.endsWith("-ttl") ? IdleExpiry.ENTRY_TTL : IdleExpiry.SWEEP,
                mode.equals("bare-object") ? InMemoryFormat.OBJECT : InMemoryFormat.BINARY);
        try {
            IMap<String, byte[]> target = mode.startsWith("tokenplane")
                    ? member.getMap(Members.TOKENPLANE_MAP)
                    : member.getMap(Members.BUCKET4J_MAP);
            int unused = target.size(); // creates the map and its partition containers before the baseline
            long before = usedAfterGc();
            long started = System.nanoTime();
            if (mode.startsWith("tokenplane")) {
                fillTokenplane(member, n);
            } else if (mode.startsWith("bucket4j")) {
                fillBucket4j(target, n, mode.equals("bucket4j-expiry"));
            } else {
                fillBare(target, n);
            }
            long fillMillis = (System.nanoTime() - started) / 1_000_000;
            long after = usedAfterGc();
            System.out.printf(
                    "%s: %d entries, %.1f bytes per bucket (heap after GC %d MB -> %d MB, fill %d ms)%n",
                    mode, target.size(), (after - before) / (double) n, before >> 20, after >> 20, fillMillis);
            if (mode.startsWith("tokenplane") && mode.endsWith("-sweep")) {
                timeSweep(member, n);
            }
        } finally {
            member.getLifecycleService().terminate();
        }
    }

    static String key(int i) {
        return HazelcastAcquireBenchmark.key(i);
    }

    private static void fillTokenplane(HazelcastInstance member, int n) {
        BucketSpec spec =
                BucketSpec.of(10, 10).withIdleTtlMillis(Duration.ofHours(1).toMillis());
        try (HazelcastBucketStore store = new HazelcastBucketStore(member, Members.TOKENPLANE_MAP)) {
            List<AcquireCommand> batch = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                batch.add(new AcquireCommand(key(i), spec, 1, 0));
                if (batch.size() == 2_000 || i == n - 1) {
                    store.acquireAll(batch).toCompletableFuture().join();
                    batch = new ArrayList<>();
                }
            }
        }
    }

    /** The cost of one sweep over every bucket: first with none idle, then with all of them idle and full. */
    private static void timeSweep(HazelcastInstance member, int n) {
        try (HazelcastBucketStore store = new HazelcastBucketStore(member, Members.TOKENPLANE_MAP)) {
            long started = System.nanoTime();
            int evicted = store.evictIdle();
            long scanMillis = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("  sweep of %d buckets, none idle: %d ms (%d evicted)%n", n, scanMillis, evicted);
        }
    }

    private static void fillBucket4j(IMap<String, byte[]> map, int n, boolean expiry) throws Exception {
        var builder = Bucket4jHazelcast.entryProcessorBasedBuilder(map);
        if (expiry) {
            builder.expirationAfterWrite(
                    ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofHours(1)));
        }
        ProxyManager<String> proxies = builder.build();
        BucketConfiguration configuration = BucketConfiguration.builder()
                .addLimit(limit -> limit.capacity(10).refillGreedy(10, Duration.ofSeconds(1)))
                .build();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                for (int i = first; i < n; i += threads) {
                    proxies.builder().build(key(i), () -> configuration).tryConsume(1);
                }
            }));
        }
        for (Future<?> part : parts) {
            part.get();
        }
        pool.shutdown();
    }

    private static void fillBare(IMap<String, byte[]> map, int n) {
        java.util.Map<String, byte[]> batch = new java.util.HashMap<>();
        for (int i = 0; i < n; i++) {
            byte[] value = new byte[20];
            value[0] = (byte) i;
            batch.put(key(i), value);
            if (batch.size() == 2_000 || i == n - 1) {
                map.putAll(batch);
                batch.clear();
            }
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
