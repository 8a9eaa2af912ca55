package dev.tokenplane.benchmarks;

import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.local.LocalBucketStore;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.LocalBucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One key, in-process: the lock-free local store against Bucket4j's {@code LOCK_FREE} local bucket. Both buckets are
 * large enough (10^9 tokens, 10^9/s) never to deny, so this measures the acquire path itself. Run with {@code -t 1}
 * and {@code -t 2}. {@code bucket4jLockFreeMillisByKey} adds the map lookup a keyed limiter needs (the store's
 * {@code acquire} takes a key; Bucket4j's local bucket is a single object). {@code tokenplaneLocalStore} is the
 * asynchronous {@code BucketStore.acquire}; {@code tokenplaneLocalStoreSync} the local store's synchronous
 * {@code acquireNow}, which, like Bucket4j's {@code tryConsume}, answers on the calling thread;
 * {@code tokenplaneLocalStoreTry} its {@code tryAcquire}, which answers a boolean and allocates nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LocalAcquireBenchmark {

    private static final long BIG = 1_000_000_000L;

    private final BucketSpec spec = BucketSpec.of(BIG, BIG);
    private final LocalBucketStore store = new LocalBucketStore(InstantSource.system());
    private final LocalBucket lockFreeMillis = Bucket.builder()
            .addLimit(limit -> limit.capacity(BIG).refillGreedy(BIG, Duration.ofSeconds(1)))
            .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
            .withMillisecondPrecision()
            .build();
    private final LocalBucket lockFreeNanos = Bucket.builder()
            .addLimit(limit -> limit.capacity(BIG).refillGreedy(BIG, Duration.ofSeconds(1)))
            .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
            .build();

    /** Bucket4j found by key, as a keyed limiter must: the store looks its bucket up in a map on every call. */
    private final ConcurrentHashMap<String, LocalBucket> byKey = new ConcurrentHashMap<>(Map.of("key", lockFreeMillis));

    @Benchmark
    public boolean tokenplaneLocalStore() {
        return store.acquire("key", spec, 1, 0).toCompletableFuture().join().granted();
    }

    /**
     * The store's synchronous in-process API, {@code acquireNow}: the same decision and the same {@code AcquireResult},
     * without the completed {@code CompletionStage} that {@code acquire} wraps it in.
     */
    @Benchmark
    public boolean tokenplaneLocalStoreSync() {
        return store.acquireNow("key", spec, 1, 0).granted();
    }

    /**
     * The store's allocation-free {@code tryAcquire}: a boolean, like Bucket4j's {@code tryConsume}, from the same
     * bucket maths (the bucket changed in place under its monitor).
     */
    @Benchmark
    public boolean tokenplaneLocalStoreTry() {
        return store.tryAcquire("key", spec, 1);
    }

    /** Bucket4j with millisecond time, like the store. */
    @Benchmark
    public boolean bucket4jLockFreeMillis() {
        return lockFreeMillis.tryConsume(1);
    }

    @Benchmark
    public boolean bucket4jLockFreeMillisByKey() {
        return byKey.get("key").tryConsume(1);
    }

    /** Bucket4j's default, nanosecond time. */
    @Benchmark
    public boolean bucket4jLockFreeNanos() {
        return lockFreeNanos.tryConsume(1);
    }
}
