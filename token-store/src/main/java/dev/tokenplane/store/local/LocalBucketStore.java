package dev.tokenplane.store.local;

import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;
import dev.tokenplane.store.MutableBucket;
import dev.tokenplane.store.Transition;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An in-process {@link BucketStore}: for a single process, and for a client's fallback when the BMS is unreachable.
 *
 * <p>Each key holds a {@link MutableBucket}, changed in place under its own monitor: an acquire is one uncontended
 * lock and a few arithmetic steps, and {@link #tryAcquire} allocates nothing (the previous lock-free design swapped in
 * a new immutable state per call, 104 bytes with its result). Every other operation reads the bucket as a
 * {@link BucketState}, applies one {@link BucketMath} function and writes the result back under the same monitor.
 * Idle buckets are evicted by a periodic sweep that retires a bucket under its monitor before removing it, so an
 * operation racing with eviction looks the key up again rather than writing to a removed bucket.
 *
 * <p>Operations complete before they return; the returned stages are already complete.
 */
public final class LocalBucketStore implements BucketStore {

    private final ConcurrentHashMap<String, MutableBucket> buckets = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final ScheduledExecutorService sweeper;

    /** A store on {@code clock} with no background sweep: call {@link #evictIdle()} yourself. */
    public LocalBucketStore(InstantSource clock) {
        this.clock = clock;
        this.sweeper = null;
    }

    /** A store on {@code clock} that evicts idle buckets every {@code sweepInterval} on a daemon thread. */
    public LocalBucketStore(InstantSource clock, Duration sweepInterval) {
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "local-bucket-store-sweep");
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, sweepInterval.toMillis());
        sweeper.scheduleWithFixedDelay(this::evictIdle, millis, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return CompletableFuture.completedFuture(acquireNow(key, spec, tokens, maxWaitMs));
    }

    @Override
    public CompletionStage<AcquireResult> acquire(
            String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        return CompletableFuture.completedFuture(acquireNow(key, spec, tokens, maxWaitMs, reservePpm));
    }

    @Override
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        List<AcquireResult> results = new ArrayList<>(commands.size());
        for (AcquireCommand c : commands) {
            results.add(acquireNow(c.key(), c.spec(), c.tokens(), c.maxWaitMs(), c.reservePpm()));
        }
        return CompletableFuture.completedFuture(results);
    }

    /**
     * {@link #acquire} without the stage: the decision, made on the calling thread. For in-process callers (a client's
     * fallback, a single-process limiter) that need no {@link CompletionStage}. Allocates only the outcome when the
     * bucket exists, its spec is unchanged and {@code maxWaitMs} is 0.
     */
    public AcquireResult acquireNow(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        return acquireNow(key, spec, tokens, maxWaitMs, 0);
    }

    /** {@link #acquireNow(String, BucketSpec, long, long)} with a class's reserve, checked under the bucket's lock. */
    public AcquireResult acquireNow(String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
        while (true) {
            MutableBucket bucket = bucketFor(key, spec, tokens, maxWaitMs);
            if (bucket == null) { // never grantable: nothing created
                return BucketMath.decide(BucketMath.prepare(null, spec, clock.millis()), tokens, maxWaitMs, reservePpm);
            }
            synchronized (bucket) {
                if (!bucket.isRetired()) {
                    return bucket.acquire(spec, tokens, maxWaitMs, reservePpm, clock.millis());
                }
            }
            buckets.remove(key, bucket);
        }
    }

    /**
     * {@link #acquireNow} of {@code tokens} with no wait, answering only whether they were granted: the same decision
     * and the same bucket state after it, with nothing allocated on the hot path (an existing bucket, an unchanged
     * spec), like Bucket4j's {@code tryConsume}.
     */
    public boolean tryAcquire(String key, BucketSpec spec, long tokens) {
        while (true) {
            MutableBucket bucket = bucketFor(key, spec, tokens, 0);
            if (bucket == null) {
                return false;
            }
            synchronized (bucket) {
                if (!bucket.isRetired()) {
                    return bucket.tryAcquire(spec, tokens, clock.millis());
                }
            }
            buckets.remove(key, bucket);
        }
    }

    /**
     * The bucket at {@code key}, created full from {@code spec} when there is none and the request could be granted
     * some time; null when there is none and it never could (nothing is created for it). The clock is read under the
     * monitor by the caller, after this: a bucket created here from an earlier time would be refilled for time it was
     * already full, which changes nothing, as the bucket starts full.
     */
    private MutableBucket bucketFor(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        MutableBucket bucket = buckets.get(key);
        if (bucket != null) {
            return bucket;
        }
        BucketState created = BucketMath.prepare(null, spec, clock.millis());
        if (BucketMath.next(null, created, tokens, maxWaitMs) == null) {
            return null;
        }
        MutableBucket fresh = new MutableBucket(created);
        MutableBucket raced = buckets.putIfAbsent(key, fresh);
        return raced == null ? fresh : raced;
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        MutableBucket bucket = buckets.get(key);
        if (bucket == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        BucketState s;
        synchronized (bucket) {
            if (bucket.isRetired()) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            s = bucket.state();
        }
        return CompletableFuture.completedFuture(Optional.of(BucketMath.refill(s, clock.millis())));
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return CompletableFuture.completedFuture(update(
                key,
                (s, now) -> BucketMath.debit(s, nanotokens, floorNanotokens, transferId, now),
                BucketMath.absentStep(transferId)));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return CompletableFuture.completedFuture(update(
                key, (s, now) -> BucketMath.credit(s, nanotokens, transferId, now), BucketMath.absentStep(transferId)));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        return CompletableFuture.completedFuture(update(
                key,
                (s, now) -> {
                    BucketState next = BucketMath.resize(s, capacity, ratePerMilli, now);
                    return new Transition<>(next, Optional.of(next));
                },
                Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(
            String key, long capacity, long ratePerMilli, long generation) {
        BucketSpec.checkSize(capacity, ratePerMilli);
        return CompletableFuture.completedFuture(update(
                key,
                (s, now) -> {
                    BucketState next = BucketMath.resizeIf(s, generation, capacity, ratePerMilli, now);
                    return next == null
                            ? new Transition<>(s, Optional.empty())
                            : new Transition<>(next, Optional.of(next));
                },
                Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec) {
        return CompletableFuture.completedFuture(update(
                key,
                (s, now) -> {
                    BucketState next = BucketMath.adopt(s, spec, now);
                    return new Transition<>(next, Optional.of(next));
                },
                Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<DemandSample>> drainDemand(String key) {
        return CompletableFuture.completedFuture(update(
                key,
                (s, now) -> {
                    Transition<DemandSample> t = BucketMath.drainDemand(s, now);
                    return new Transition<>(t.next(), Optional.of(t.result()));
                },
                Optional.empty()));
    }

    @Override
    public CompletionStage<Boolean> remove(String key) {
        MutableBucket bucket = buckets.remove(key);
        if (bucket == null) {
            return CompletableFuture.completedFuture(false);
        }
        synchronized (bucket) {
            boolean wasLive = !bucket.isRetired();
            bucket.retire();
            return CompletableFuture.completedFuture(wasLive);
        }
    }

    @Override
    public int evictIdle() {
        int evicted = 0;
        for (var e : buckets.entrySet()) {
            MutableBucket bucket = e.getValue();
            synchronized (bucket) {
                if (bucket.isRetired() || !BucketMath.isEvictable(bucket.state(), clock.millis())) {
                    continue;
                }
                bucket.retire();
            }
            buckets.remove(e.getKey(), bucket);
            evicted++;
        }
        return evicted;
    }

    @Override
    public Collection<String> ownedKeys() {
        return List.copyOf(buckets.keySet());
    }

    @Override
    public long size() {
        return buckets.size();
    }

    @Override
    public void close() {
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
    }

    /** A {@link BucketMath} function at a time; the time is a primitive so the hot path does not box it. */
    @FunctionalInterface
    private interface Operation<R> {
        Transition<R> apply(BucketState current, long now);
    }

    /** Every operation but acquire, under the bucket's monitor; a missing bucket gives {@code absent}. */
    private <R> R update(String key, Operation<R> operation, R absent) {
        while (true) {
            MutableBucket bucket = buckets.get(key);
            if (bucket == null) {
                return absent;
            }
            synchronized (bucket) {
                if (!bucket.isRetired()) {
                    BucketState current = bucket.state();
                    Transition<R> t = operation.apply(current, clock.millis());
                    if (t.next() != current) {
                        bucket.load(t.next());
                    }
                    return t.result();
                }
            }
            buckets.remove(key, bucket);
        }
    }
}
