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

/**
 * The decisions made while no BMS can be reached, by the {@link FallbackPolicy}, and what they are made from: the
 * limit the BMS last reported for each key.
 *
 * <p>{@code LOCAL} keeps one bucket per key in a {@link LocalBucketStore} (the token store's own local store: the
 * same maths as the BMS), at {@code share} times the key's last known capacity and refill. The local buckets start
 * full and are dropped when the BMS comes back, so the next outage starts from the limits known then. Thread-safe.
 */
public final class LocalFallback implements AutoCloseable {
    private static final long IDLE_TTL_MS = 60_000;

    /** What the BMS last said about a key. */
    private record Known(long capacity, double refillPerSecond, String ruleId) {
    }

    private final FallbackPolicy policy;
    private final double share;
    private final LocalLimit defaultLimit;
    private final int maxKeys;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final LocalBucketStore store;

    public LocalFallback(FallbackPolicy policy, double share, LocalLimit defaultLimit, int maxKeys,
                         InstantSource clock) {
        this.policy = policy;
        this.share = share;
        this.defaultLimit = defaultLimit;
        this.maxKeys = maxKeys;
        this.store = new LocalBucketStore(clock);
    }

    /** Remembers the limit of a BMS decision (up to {@code maxKeys} keys). */
    public void learn(Decision d) {
        if (d.capacity() < 1 || !(d.refillPerSecond() > 0)) {
            return;
        }
        Known k = known.get(d.key());
        if (k != null && k.capacity() == d.capacity() && k.refillPerSecond() == d.refillPerSecond()
                && Objects.equals(k.ruleId(), d.ruleId())) {
            return;
        }
        if (k != null || known.size() < maxKeys) {
            known.put(d.key(), new Known(d.capacity(), d.refillPerSecond(), d.ruleId()));
        }
    }

    /**
     * The fallback's decision for {@code tokens} of {@code key}, waiting at most {@code maxWaitMs} for a local
     * reservation.
     *
     * @param retryAfterMs what a fail-closed denial says: the time until the next probe of the BMS
     * @throws InvalidRequestException when the local bucket can never grant the request (more than its capacity)
     */
    public Decision decide(String key, long tokens, long maxWaitMs, long retryAfterMs) {
        Known k = known.get(key);
        long capacity = k == null ? 0 : k.capacity();
        double refill = k == null ? 0 : k.refillPerSecond();
        String ruleId = k == null ? null : k.ruleId();
        switch (policy) {
            case FAIL_OPEN:
                return new Decision(key, true, tokens, capacity, capacity, refill, 0, 0, ruleId,
                        DecisionSource.FAIL_OPEN);
            case FAIL_CLOSED:
                return new Decision(key, false, tokens, 0, capacity, refill, 0, Math.max(1, retryAfterMs), ruleId,
                        DecisionSource.FAIL_CLOSED);
            default:
                break;
        }
        if (k == null && defaultLimit == null) {
            return new Decision(key, true, tokens, 0, 0, 0, 0, 0, null, DecisionSource.FAIL_OPEN);
        }
        long cap = Math.max(1, (long) Math.floor((k == null ? defaultLimit.capacity() : capacity) * share));
        double rate = Math.max(Tokens.MIN_REFILL_PER_SECOND,
                (k == null ? defaultLimit.refillPerSecond() : refill) * share);
        long ratePerMilli = Tokens.ratePerMilli(Math.min(rate, Tokens.MAX_REFILL_PER_SECOND));
        // a new limit is a new generation: the local bucket takes it, keeping its tokens clamped
        long generation = 31 * Long.hashCode(cap) + Long.hashCode(ratePerMilli);
        BucketSpec spec = new BucketSpec(Math.min(cap, Tokens.MAX_CAPACITY), ratePerMilli, Algorithm.TOKEN_BUCKET,
                generation, IDLE_TTL_MS);
        AcquireResult r = store.acquire(key, spec, tokens, maxWaitMs).toCompletableFuture().join();
        if (r instanceof AcquireResult.Granted g) {
            return new Decision(key, true, tokens, g.remaining(), g.capacity(), g.refillPerSecond(), g.waitMs(), 0,
                    ruleId, DecisionSource.LOCAL);
        }
        if (r instanceof AcquireResult.Denied d) {
            return new Decision(key, false, tokens, d.remaining(), d.capacity(), d.refillPerSecond(), 0,
                    Math.max(1, d.retryAfterMs()), ruleId, DecisionSource.LOCAL);
        }
        throw new InvalidRequestException("validation", "tokens must be <= the bucket's capacity " + r.capacity()
                + " (the local fallback's), was " + tokens);
    }

    /** Drops the local buckets (the BMS is back); the known limits stay. */
    public void reset() {
        for (String key : store.ownedKeys()) {
            store.remove(key);
        }
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
