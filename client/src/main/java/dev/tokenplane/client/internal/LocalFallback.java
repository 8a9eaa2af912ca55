package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.FallbackPolicy;
import dev.tokenplane.client.InvalidRequestException;
import dev.tokenplane.client.LocalLimit;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decisions made while no BMS can be reached, by the {@link FallbackPolicy}, and what they are made from: the
 * limit the BMS last reported for each key, and the tokens it granted this host for it ({@link GrantWindows}).
 *
 * <p>{@code LOCAL} keeps one bucket per key in a {@link LocalBucketStore} (the token store's own local store: the
 * same maths as the BMS), at this host's share of the key's last known capacity and refill. The share is the one
 * configured, or by default the share learned from the grants this host got in the windows before it fell back, so
 * that N hosts together admit at most the key's limit, never N times it (see {@link GrantWindows}); it is fixed for the
 * whole outage. A key with no known limit, or no grants in those windows, gets the configured default local limit, or
 * is denied. The local buckets start full and are dropped when the BMS comes back, so the next outage starts from what
 * is known then. Thread-safe.
 */
public final class LocalFallback implements AutoCloseable {
    private static final long IDLE_TTL_MS = 60_000;
    /** The share that means "learn it from the grants seen". */
    public static final double LEARNED = 0;

    /** What the BMS last said about a key, and the grants it gave this host. */
    private record Known(long capacity, double refillPerSecond, String ruleId, GrantWindows grants) {}

    private final FallbackPolicy policy;
    private final double share;
    private final LocalLimit defaultLimit;
    private final int maxKeys;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    /** The share of each key during this outage, fixed at its first fallback decision. */
    private final ConcurrentHashMap<String, Double> shares = new ConcurrentHashMap<>();
    /** When this outage's first fallback decision was made; -1 while the BMS answers. */
    private final AtomicLong fallbackSince = new AtomicLong(-1);

    private final LocalBucketStore store;

    /**
     * @param share        the share of a key's limit each local bucket gets, in (0, 1], or {@link #LEARNED}
     * @param defaultLimit the local limit of keys with no known limit or no learned share; null denies them
     */
    public LocalFallback(
            FallbackPolicy policy, double share, LocalLimit defaultLimit, int maxKeys, InstantSource clock) {
        this.policy = policy;
        this.share = share;
        this.defaultLimit = defaultLimit;
        this.maxKeys = maxKeys;
        this.clock = clock;
        this.store = new LocalBucketStore(clock);
    }

    /** Remembers the limit of a BMS decision, and the tokens it granted (up to {@code maxKeys} keys). */
    public void learn(Decision d) {
        if (d.capacity() < 1 || !(d.refillPerSecond() > 0)) {
            return;
        }
        Known k = known.get(d.key());
        if (k == null
                || k.capacity() != d.capacity()
                || k.refillPerSecond() != d.refillPerSecond()
                || !Objects.equals(k.ruleId(), d.ruleId())) {
            if (k == null && known.size() >= maxKeys) {
                return;
            }
            k = new Known(d.capacity(), d.refillPerSecond(), d.ruleId(), k == null ? new GrantWindows() : k.grants());
            known.put(d.key(), k);
        }
        if (d.granted()) {
            k.grants().record(clock.millis(), d.tokens());
        }
    }

    /**
     * The fallback's decision for {@code tokens} of {@code key}, waiting at most {@code maxWaitMs} for a local
     * reservation.
     *
     * @param retryAfterMs what a denial without a local bucket says: the time until the next probe of the BMS
     */
    public Decision decide(String key, long tokens, long maxWaitMs, long retryAfterMs) {
        Known k = known.get(key);
        long capacity = k == null ? 0 : k.capacity();
        double refill = k == null ? 0 : k.refillPerSecond();
        String ruleId = k == null ? null : k.ruleId();
        switch (policy) {
            case FAIL_OPEN:
                return new Decision(
                        key, true, tokens, capacity, capacity, refill, 0, 0, ruleId, DecisionSource.FAIL_OPEN);
            case FAIL_CLOSED:
                return new Decision(
                        key,
                        false,
                        tokens,
                        0,
                        capacity,
                        refill,
                        0,
                        Math.max(1, retryAfterMs),
                        ruleId,
                        DecisionSource.FAIL_CLOSED);
            default:
                break;
        }
        fallbackSince.compareAndSet(-1, clock.millis());
        double s = k == null ? 0 : shareOf(key, k);
        long cap;
        double rate;
        if (s > 0) {
            // rounded down, but to at least one token and one nanotoken per ms: the stated rounding of the bound
            cap = Math.max(1, (long) Math.floor(capacity * s));
            rate = refill * s;
        } else if (defaultLimit != null) {
            cap = defaultLimit.capacity();
            rate = defaultLimit.refillPerSecond();
        } else {
            return new Decision(
                    key,
                    false,
                    tokens,
                    0,
                    capacity,
                    refill,
                    0,
                    Math.max(1, retryAfterMs),
                    ruleId,
                    DecisionSource.LOCAL);
        }
        long ratePerMilli = Math.max(1, (long) Math.floor(Math.min(rate, Tokens.MAX_REFILL_PER_SECOND) * 1_000_000d));
        // a new limit is a new generation: the local bucket takes it, keeping its tokens clamped
        long generation = 31 * Long.hashCode(cap) + Long.hashCode(ratePerMilli);
        BucketSpec spec = new BucketSpec(
                Math.min(cap, Tokens.MAX_CAPACITY), ratePerMilli, Algorithm.TOKEN_BUCKET, generation, IDLE_TTL_MS);
        AcquireResult r = store.acquire(key, spec, tokens, maxWaitMs)
                .toCompletableFuture()
                .join();
        if (r instanceof AcquireResult.Granted g) {
            return new Decision(
                    key,
                    true,
                    tokens,
                    g.remaining(),
                    g.capacity(),
                    g.refillPerSecond(),
                    g.waitMs(),
                    0,
                    ruleId,
                    DecisionSource.LOCAL);
        }
        if (r instanceof AcquireResult.Denied d) {
            return new Decision(
                    key,
                    false,
                    tokens,
                    d.remaining(),
                    d.capacity(),
                    d.refillPerSecond(),
                    0,
                    Math.max(1, d.retryAfterMs()),
                    ruleId,
                    DecisionSource.LOCAL);
        }
        if (s > 0 && tokens <= capacity) {
            // the BMS's bucket could grant it, this host's share of it cannot: wait for the BMS
            return new Decision(
                    key,
                    false,
                    tokens,
                    r.remaining(),
                    r.capacity(),
                    r.refillPerSecond(),
                    0,
                    Math.max(1, retryAfterMs),
                    ruleId,
                    DecisionSource.LOCAL);
        }
        throw new InvalidRequestException(
                "validation",
                "tokens must be <= the bucket's capacity " + r.capacity() + " (the local fallback's), was " + tokens);
    }

    /** This host's share of {@code key} for this outage: the configured one, or the one learned, fixed once taken. */
    private double shareOf(String key, Known k) {
        if (share != LEARNED) {
            return share;
        }
        return shares.computeIfAbsent(
                key, x -> k.grants().share(fallbackSince.get(), k.capacity(), k.refillPerSecond()));
    }

    /** Drops the local buckets and this outage's shares (the BMS is back); the known limits and grants stay. */
    public void reset() {
        for (String key : store.ownedKeys()) {
            store.remove(key);
        }
        shares.clear();
        fallbackSince.set(-1);
    }

    /** Evicts local buckets idle and full for a minute. */
    public void evictIdle() {
        store.evictIdle();
    }

    /** Keys with a local bucket now. */
    public long localBuckets() {
        return store.size();
    }

    @Override
    public void close() {
        store.close();
    }
}
