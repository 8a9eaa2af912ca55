package dev.tokenplane.bms.hotkeys;

import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.decide.ImmediateAcquire;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.ForwardingBucketStore;
import dev.tokenplane.store.Tokens;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store as this member's decisions see it, with hot keys answered from a member-local lease ({@link HotKeyLease}):
 * a key this member asks for above the policy's rate takes a lease of tokens from the key's owner along with one of
 * its requests (one acquire of {@code tokens + lease}, the same pre-debit the SDK's leases are), serves later requests
 * from it without a remote call, tops it up in the background when it runs low, and credits back what is unused when
 * the lease ends or the key cools down ({@link #tick}, which the member's scheduler runs; tests run it by hand).
 *
 * <p>Exactness: every token granted here left the owner's bucket first, and a credit never fills a bucket above its
 * capacity, so the grants of all members together stay within {@code capacity + refill * elapsed}. A request the lease
 * cannot cover goes to the owner, so a denial is always the owner's. Only immediate token-bucket acquires
 * ({@code maxWaitMs} 0) are served locally; reservations and leaky buckets always go to the owner.
 *
 * <p>Memory and work: a key is tracked only once this member sees it at a quarter of the promotion rate within a
 * window ({@link WarmKeys}: a fixed table of counters), so many keys at a low rate each cost a counter, not an entry
 * that {@link #tick} walks. At most {@code maxKeys} keys are tracked at once; a key that is not hot, holds no lease and
 * was judged over a full window leaves at the next tick. An untracked key simply goes to the owner.
 *
 * <p>Thread-safe and non-blocking: the state of one key is guarded by its own monitor, held for a few field updates
 * and never across a store call. Closing credits back every lease (waiting at most a few seconds) and leaves the
 * wrapped store open.
 */
public final class HotKeyStore extends ForwardingBucketStore implements ImmediateAcquire {
    private static final Logger LOG = LoggerFactory.getLogger(HotKeyStore.class);
    /** How long {@link #close} waits for the credits of the leases it gives back. */
    private static final long CLOSE_WAIT_MS = 3_000;

    private final HotKeyPolicy policy;
    private final InstantSource clock;
    private final int maxKeys;
    private final LongSupplier creditIds;
    private final Executor offPartitionThreads;
    private final Map<String, Key> keys = new ConcurrentHashMap<>();
    /** The requests of the keys not tracked, until one comes near the promotion rate. */
    private final WarmKeys warm;

    private final AtomicInteger tracked = new AtomicInteger();
    private final AtomicInteger hotNow = new AtomicInteger();
    private volatile boolean closed;
    private final Counter promoted;
    private final Counter localGrants;
    private final Counter leasedTokens;
    private final Counter returnedTokens;

    /** One tracked key: its lease state, and what is under way for it. Guarded by its own monitor. */
    private static final class Key {
        final HotKeyLease lease;
        final long since;
        boolean inFlight;
        boolean removed;
        /** The owner's remaining tokens at its last answer, for the {@code remaining} of local grants. */
        long ownerRemaining;

        Key(HotKeyLease lease, long since) {
            this.lease = lease;
            this.since = since;
        }
    }

    /**
     * @param maxKeys   how many keys this member tracks at once
     * @param creditIds step ids of the credits that give leases back (time-ordered, unique per member)
     * @param offPartitionThreads where the rare second ask of a request whose lease was denied starts: not on the
     *                            Hazelcast thread that completed the first, which may be a partition thread
     * @param meters    where {@code bms.hot.keys.*} are registered
     */
    public HotKeyStore(
            BucketStore owners,
            HotKeyPolicy policy,
            InstantSource clock,
            int maxKeys,
            LongSupplier creditIds,
            Executor offPartitionThreads,
            MeterRegistry meters) {
        super(owners);
        this.policy = policy;
        this.clock = clock;
        this.maxKeys = maxKeys;
        this.creditIds = creditIds;
        this.offPartitionThreads = offPartitionThreads;
        this.warm = new WarmKeys(policy);
        this.promoted = Counter.builder("bms.hot.keys.promoted")
                .description("keys this member promoted to hot (served from a member-local lease)")
                .register(meters);
        this.localGrants = Counter.builder("bms.hot.key.local.grants")
                .description("decisions granted from a member-local lease, without a call to the key's owner")
                .register(meters);
        this.leasedTokens = Counter.builder("bms.hot.key.lease.tokens")
                .tag("direction", "leased")
                .description("tokens taken from owners into member-local leases, and given back unused")
                .register(meters);
        this.returnedTokens = Counter.builder("bms.hot.key.lease.tokens")
                .tag("direction", "returned")
                .description("tokens taken from owners into member-local leases, and given back unused")
                .register(meters);
        Gauge.builder("bms.hot.keys", hotNow, AtomicInteger::get)
                .description("keys hot on this member now")
                .register(meters);
    }

    /** How often {@link #tick} should run: a quarter of the shorter of the window and the lease, at least 5 ms. */
    public Duration tickInterval() {
        return Duration.ofMillis(Math.max(5, Math.min(policy.windowMillis(), policy.leaseMillis()) / 4));
    }

    @Override
    public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        // no acquireNow first: a decision asked it already, and this serves from the lease too
        Key k = servable(spec, tokens, maxWaitMs) ? track(key) : null; // an unsatisfiable request is the owner's
        if (k == null) {
            return delegate.acquire(key, spec, tokens, maxWaitMs);
        }
        long now = clock.millis();
        long extra = 0;
        long remaining;
        synchronized (k) {
            if (k.removed) {
                return delegate.acquire(key, spec, tokens, maxWaitMs);
            }
            boolean wasHot = k.lease.isHot();
            boolean local = k.lease.tryLocal(tokens, now);
            noteHeat(wasHot, k.lease.isHot());
            if (!local) {
                if (!k.inFlight) {
                    extra = Math.max(0, Math.min(k.lease.leaseWanted(spec.capacity(), now), spec.capacity() - tokens));
                    k.inFlight = extra > 0;
                }
                remaining = -1;
            } else {
                remaining = grantedLocally(key, k, spec, now);
            }
        }
        if (remaining >= 0) {
            localGrants.increment();
            return CompletableFuture.completedFuture(
                    new AcquireResult.Granted(tokens, remaining, spec.capacity(), spec.ratePerMilli(), 0));
        }
        return extra == 0 ? owner(key, k, spec, tokens) : withLease(key, k, spec, tokens, extra);
    }

    /**
     * The grant from the key's lease when it covers the request now (counted, taken from the lease, topped up in the
     * background when it runs low); else null, counting nothing: {@link #acquire} then counts the request and asks
     * the owner. No future, no lock but the key's own: the decision path answers a hot key on the calling thread.
     */
    @Override
    public AcquireResult.Granted acquireNow(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        Key k = servable(spec, tokens, maxWaitMs) ? keys.get(key) : null;
        if (k == null) {
            return null;
        }
        long now = clock.millis();
        long remaining;
        synchronized (k) {
            if (k.removed || !k.lease.covers(tokens, now)) {
                return null;
            }
            boolean wasHot = k.lease.isHot();
            k.lease.tryLocal(tokens, now);
            noteHeat(wasHot, k.lease.isHot());
            remaining = grantedLocally(key, k, spec, now);
        }
        localGrants.increment();
        return new AcquireResult.Granted(tokens, remaining, spec.capacity(), spec.ratePerMilli(), 0);
    }

    /**
     * After the lease of {@code k} (whose monitor the caller holds) granted a request: starts a top-up when the lease
     * runs low, and returns the {@code remaining} to report (the owner's last count plus what the lease holds).
     */
    private long grantedLocally(String key, Key k, BucketSpec spec, long now) {
        long remaining = Math.min(spec.capacity(), k.ownerRemaining + k.lease.held());
        long refresh = k.inFlight ? 0 : k.lease.refreshWanted(spec.capacity(), now);
        if (refresh > 0) {
            k.inFlight = true;
            refresh(key, k, spec, refresh);
        }
        return remaining;
    }

    /** Only immediate token-bucket acquires the bucket can ever grant are served from a lease. */
    private static boolean servable(BucketSpec spec, long tokens, long maxWaitMs) {
        return maxWaitMs == 0 && spec.algorithm() == Algorithm.TOKEN_BUCKET && tokens <= spec.capacity();
    }

    /** The request and a lease in one acquire; when that is denied, the request alone (never denied for the lease). */
    private CompletionStage<AcquireResult> withLease(String key, Key k, BucketSpec spec, long tokens, long extra) {
        return Completions.on(delegate.acquire(key, spec, tokens + extra, 0))
                .handle((r, error) -> {
                    boolean granted = error == null && r.granted();
                    settle(key, k, granted ? extra : 0, granted ? r.remaining() : -1);
                    if (error != null) {
                        return CompletableFuture.<AcquireResult>failedFuture(error);
                    }
                    if (granted) {
                        return CompletableFuture.<AcquireResult>completedFuture(new AcquireResult.Granted(
                                tokens, r.remaining() + extra, r.capacity(), r.ratePerMilli(), 0));
                    }
                    // rare: the owner had the request's tokens but not the lease's; ask again off this thread,
                    // which may be the partition's own
                    return CompletableFuture.supplyAsync(() -> owner(key, k, spec, tokens), offPartitionThreads)
                            .thenCompose(stage -> stage);
                })
                .thenCompose(stage -> stage);
    }

    /** The request alone, decided by the owner. */
    private CompletionStage<AcquireResult> owner(String key, Key k, BucketSpec spec, long tokens) {
        return Completions.on(delegate.acquire(key, spec, tokens, 0)).thenApply(r -> {
            synchronized (k) {
                k.ownerRemaining = r.remaining();
            }
            return r;
        });
    }

    /** Tops up a live lease in the background; a denial or a failure leaves it as it is. */
    private void refresh(String key, Key k, BucketSpec spec, long tokens) {
        Completions.on(delegate.acquire(key, spec, tokens, 0)).whenComplete((r, error) -> {
            boolean granted = error == null && r.granted();
            settle(key, k, granted ? tokens : 0, granted ? r.remaining() : -1);
        });
    }

    /**
     * The owner's answer to a lease is in: {@code leased} tokens (0: none) join the key's lease, or go straight back
     * when the key was forgotten meanwhile (the member closing); {@code ownerRemaining} -1 when unknown.
     */
    private void settle(String key, Key k, long leased, long ownerRemaining) {
        boolean orphan;
        synchronized (k) {
            k.inFlight = false;
            orphan = k.removed;
            if (leased > 0 && !orphan) {
                k.lease.leased(leased, clock.millis());
            }
            if (ownerRemaining >= 0) {
                k.ownerRemaining = ownerRemaining;
            }
        }
        if (leased > 0) {
            leasedTokens.increment(leased);
            if (orphan) {
                giveBack(key, leased);
            }
        }
    }

    /**
     * Ends the leases past their time or of keys that cooled down, credits their unused tokens back to the owners, and
     * forgets the keys that are cold, hold nothing and were judged over a full window.
     */
    public void tick() {
        long now = clock.millis();
        for (Map.Entry<String, Key> e : keys.entrySet()) {
            Key k = e.getValue();
            long unused;
            boolean forget;
            synchronized (k) {
                boolean wasHot = k.lease.isHot();
                unused = k.lease.expire(now);
                noteHeat(wasHot, k.lease.isHot());
                forget = !k.lease.isHot()
                        && !k.inFlight
                        && k.lease.held() == 0
                        && now - k.since >= 2 * policy.windowMillis();
                k.removed = forget;
            }
            if (forget && keys.remove(e.getKey(), k)) {
                tracked.decrementAndGet();
            }
            if (unused > 0) {
                giveBack(e.getKey(), unused);
            }
        }
    }

    /** Gives every lease back (the member stops) and waits a few seconds for the credits; leaves the owners open. */
    @Override
    public void close() {
        closed = true;
        List<CompletableFuture<Long>> credits = new ArrayList<>();
        for (Map.Entry<String, Key> e : keys.entrySet()) {
            Key k = e.getValue();
            long unused;
            synchronized (k) {
                k.removed = true;
                unused = k.lease.expire(Long.MAX_VALUE);
            }
            if (unused > 0) {
                credits.add(giveBack(e.getKey(), unused));
            }
        }
        keys.clear();
        tracked.set(0);
        try {
            CompletableFuture.allOf(credits.toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("hot key leases not all given back at close ({} credits): {}", credits.size(), e.toString());
        }
    }

    /** Keys tracked now (at most {@code maxKeys}). */
    public int trackedKeys() {
        return tracked.get();
    }

    /** Credits {@code unused} tokens back to the owner; a failed credit loses them (the safe direction). */
    private CompletableFuture<Long> giveBack(String key, long unused) {
        returnedTokens.increment(unused);
        return Completions.on(delegate.credit(key, Tokens.toNano(unused), creditIds.getAsLong()))
                .exceptionally(error -> {
                    LOG.debug("a hot key lease of {} tokens was not given back: {}", unused, error.toString());
                    return 0L;
                });
    }

    /**
     * The key's state; tracking it if it comes near the promotion rate ({@link WarmKeys}) and there is room; else null
     * (the owner decides).
     */
    private Key track(String key) {
        Key k = keys.get(key);
        if (k != null || closed || tracked.get() >= maxKeys) {
            return k;
        }
        long now = clock.millis();
        long seen = warm.count(key, now);
        if (seen == 0) {
            return null;
        }
        // the lease counts on from the window's requests before this one (it counts this one itself)
        Key fresh = new Key(new HotKeyLease(policy, warm.windowStart(now), seen - 1), now);
        k = keys.putIfAbsent(key, fresh);
        if (k == null) {
            tracked.incrementAndGet();
            return fresh;
        }
        return k;
    }

    private void noteHeat(boolean wasHot, boolean isHot) {
        if (!wasHot && isHot) {
            promoted.increment();
            hotNow.incrementAndGet();
        } else if (wasHot && !isHot) {
            hotNow.decrementAndGet();
        }
    }
}
