package dev.tokenplane.store.local;

import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.DemandSample;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-process {@link BucketStore}: for a single process, and for a client's fallback when the BMS is unreachable.
 *
 * <p>Lock-free on the hot path, after resilience4j's {@code AtomicRateLimiter}: each key holds an
 * {@link AtomicReference} to an immutable {@link BucketState}; an operation computes the next state with
 * {@link BucketMath} and swaps it in with compare-and-set, retrying on contention. Idle buckets are evicted by a
 * periodic sweep that first swaps in a tombstone, so an operation racing with eviction retries on a fresh entry rather
 * than writing to a removed one.
 *
 * <p>Operations complete before they return; the returned stages are already complete.
 */
public final class LocalBucketStore implements BucketStore {

    /** Marks a reference whose entry the sweep is removing. Compared by identity. */
    private static final BucketState EVICTED = new BucketState(0, 0, 1, 1, null, 0, 0, 0, 0, 0, null);

    private final ConcurrentHashMap<String, AtomicReference<BucketState>> buckets = new ConcurrentHashMap<>();
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
    public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
        List<AcquireResult> results = new ArrayList<>(commands.size());
        for (AcquireCommand c : commands) {
            results.add(acquireNow(c.key(), c.spec(), c.tokens(), c.maxWaitMs()));
        }
        return CompletableFuture.completedFuture(results);
    }

    /**
     * {@link #acquire} without the stage: the decision, made on the calling thread. For in-process callers (a client's
     * fallback, a single-process limiter) that need no {@link CompletionStage}.
     *
     * <p>The hot path allocates only the next state and the outcome: it calls {@link BucketMath#prepare} and
     * {@link BucketMath#next} directly instead of going through a {@link Transition}, and builds the outcome
     * ({@link BucketMath#decide}) only after its state is in place, so an attempt that loses the compare-and-set
     * allocates no outcome.
     */
    public AcquireResult acquireNow(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        // The time is read before the state, and not again when a compare-and-set is lost: a state another thread
        // refilled past it counts as refilled up to now (BucketMath adds nothing for time before lastRefillAt), which
        // is what reading the clock after the state would give with a clock that does not go back. Only a bucket
        // created here reads the clock again, after seeing no bucket: a bucket evicted or removed since the first
        // read must not be re-created with an earlier time, which would refill it for time it was already full.
        long now = clock.millis();
        AtomicReference<BucketState> ref = buckets.get(key);
        while (true) {
            if (ref == null) {
                now = clock.millis();
                BucketState created = BucketMath.prepare(null, spec, now);
                BucketState next = BucketMath.next(null, created, tokens, maxWaitMs);
                if (next == null) {
                    return BucketMath.decide(created, tokens, maxWaitMs); // never grantable: nothing created
                }
                ref = buckets.putIfAbsent(key, new AtomicReference<>(next));
                if (ref == null) {
                    return BucketMath.decide(created, tokens, maxWaitMs);
                }
                continue; // another thread created it first: acquire from that one
            }
            BucketState current = ref.get();
            while (current != EVICTED) {
                BucketState prepared = BucketMath.prepare(current, spec, now);
                BucketState next = BucketMath.next(current, prepared, tokens, maxWaitMs);
                if (next == current) {
                    return BucketMath.decide(prepared, tokens, maxWaitMs); // nothing to write: never grantable
                }
                BucketState witness = ref.compareAndExchange(current, next);
                if (witness == current) {
                    return BucketMath.decide(prepared, tokens, maxWaitMs);
                }
                current = witness; // lost to another thread: retry from what it wrote, without a second read
            }
            buckets.remove(key, ref);
            ref = buckets.get(key);
        }
    }

    @Override
    public CompletionStage<Optional<BucketState>> get(String key) {
        AtomicReference<BucketState> ref = buckets.get(key);
        BucketState s = ref == null ? null : ref.get();
        if (s == null || s == EVICTED) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(Optional.of(BucketMath.refill(s, clock.millis())));
    }

    @Override
    public CompletionStage<Long> debit(String key, long nanotokens, long floorNanotokens, long transferId) {
        return CompletableFuture.completedFuture(update(key,
                (s, now) -> BucketMath.debit(s, nanotokens, floorNanotokens, transferId, now),
                BucketMath.absentStep(transferId)));
    }

    @Override
    public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
        return CompletableFuture.completedFuture(update(key,
                (s, now) -> BucketMath.credit(s, nanotokens, transferId, now),
                BucketMath.absentStep(transferId)));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli) {
        return CompletableFuture.completedFuture(update(key, (s, now) -> {
            BucketState next = BucketMath.resize(s, capacity, ratePerMilli, now);
            return new Transition<>(next, Optional.of(next));
        }, Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<BucketState>> resize(String key, long capacity, long ratePerMilli,
                                                         long generation) {
        new BucketSpec(capacity, ratePerMilli, Algorithm.TOKEN_BUCKET, 0, 0); // validates even when refused
        return CompletableFuture.completedFuture(update(key, (s, now) -> {
            BucketState next = BucketMath.resizeIf(s, generation, capacity, ratePerMilli, now);
            return next == null ? new Transition<>(s, Optional.empty()) : new Transition<>(next, Optional.of(next));
        }, Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<BucketState>> reconfigure(String key, BucketSpec spec) {
        return CompletableFuture.completedFuture(update(key, (s, now) -> {
            BucketState next = BucketMath.adopt(s, spec, now);
            return new Transition<>(next, Optional.of(next));
        }, Optional.empty()));
    }

    @Override
    public CompletionStage<Optional<DemandSample>> drainDemand(String key) {
        return CompletableFuture.completedFuture(update(key, (s, now) -> {
            Transition<DemandSample> t = BucketMath.drainDemand(s, now);
            return new Transition<>(t.next(), Optional.of(t.result()));
        }, Optional.empty()));
    }

    @Override
    public CompletionStage<Boolean> remove(String key) {
        AtomicReference<BucketState> ref = buckets.remove(key);
        return CompletableFuture.completedFuture(ref != null && ref.get() != EVICTED);
    }

    @Override
    public int evictIdle() {
        int evicted = 0;
        for (var e : buckets.entrySet()) {
            AtomicReference<BucketState> ref = e.getValue();
            BucketState s = ref.get();
            if (s != EVICTED && BucketMath.isEvictable(s, clock.millis()) && ref.compareAndSet(s, EVICTED)) {
                buckets.remove(e.getKey(), ref);
                evicted++;
            }
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

    /** The compare-and-set loop for every operation but acquire; a missing bucket gives {@code absent}. */
    private <R> R update(String key, Operation<R> operation, R absent) {
        while (true) {
            AtomicReference<BucketState> ref = buckets.get(key);
            if (ref == null) {
                return absent;
            }
            BucketState current = ref.get();
            if (current == EVICTED) {
                buckets.remove(key, ref);
                continue;
            }
            Transition<R> t = operation.apply(current, clock.millis());
            if (t.next() == current || ref.compareAndSet(current, t.next())) {
                return t.result();
            }
        }
    }
}
