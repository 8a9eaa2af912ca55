package dev.tokenplane.store;

/**
 * One bucket held in place: the four fields an acquire changes are mutable, the rest is a {@link BucketState} they
 * share. For an in-process store whose hot path must allocate nothing: {@link #tryAcquire} refills and takes tokens
 * in these fields with the arithmetic of {@link BucketMath#acquire} (same refill, same grant and denial, same demand
 * counters), so its state after each call is exactly the state {@code BucketMath.acquire} would give.
 *
 * <p>Not thread-safe: the caller holds the bucket's lock (the local store synchronizes on it). Anything other than an
 * immediate acquire on an unchanged spec goes through {@link BucketMath} on {@link #state()} and {@link #load}.
 */
public final class MutableBucket {

    private long tokens;
    private long lastRefillAt;
    private long attempted;
    private long granted;
    /** Everything but the four fields above; its own copies of them are stale. */
    private BucketState settings;

    private boolean retired;

    public MutableBucket(BucketState initial) {
        load(initial);
    }

    /** The bucket as an immutable state (one allocation). */
    public BucketState state() {
        return settings.withHotFields(tokens, lastRefillAt, attempted, granted);
    }

    /** Replace the whole bucket with {@code s}. */
    public void load(BucketState s) {
        tokens = s.tokens();
        lastRefillAt = s.lastRefillAt();
        attempted = s.attempted();
        granted = s.granted();
        settings = s;
    }

    /** Marks a bucket its store has removed: a caller that finds it retired looks the key up again. */
    public void retire() {
        retired = true;
    }

    public boolean isRetired() {
        return retired;
    }

    /**
     * {@link BucketMath#acquire} of {@code tokens} with no wait, answering only whether it was granted: no allocation
     * unless the spec's generation changed or the request can never be granted (then the general path runs).
     */
    public boolean tryAcquire(BucketSpec spec, long tokens, long now) {
        int outcome = acquireInPlace(spec, tokens, now);
        if (outcome == UNDECIDED) {
            return acquireGeneral(spec, tokens, 0, 0, now).granted();
        }
        return outcome == GRANTED;
    }

    /** {@link BucketMath#acquire}, applied to this bucket; its outcome. */
    public AcquireResult acquire(BucketSpec spec, long tokens, long maxWaitMs, long now) {
        return acquire(spec, tokens, maxWaitMs, 0, now);
    }

    /**
     * {@link BucketMath#acquire(BucketState, BucketSpec, long, long, long, long)} with a class's reserve, applied to
     * this bucket; its outcome. A reserve other than 0 takes the general path.
     */
    public AcquireResult acquire(BucketSpec spec, long tokens, long maxWaitMs, long reservePpm, long now) {
        if (reservePpm != 0) {
            return acquireGeneral(spec, tokens, maxWaitMs, reservePpm, now);
        }
        int outcome = maxWaitMs == 0 ? acquireInPlace(spec, tokens, now) : UNDECIDED;
        long rate = settings.ratePerMilli();
        if (outcome == GRANTED) {
            return new AcquireResult.Granted(tokens, Tokens.wholeTokens(this.tokens), settings.capacity(), rate, 0);
        }
        if (outcome == DENIED) {
            long retryAfter = Tokens.millisToRefill(tokens * Tokens.SCALE - this.tokens, rate);
            return new AcquireResult.Denied(
                    tokens, Tokens.wholeTokens(this.tokens), settings.capacity(), rate, retryAfter);
        }
        return acquireGeneral(spec, tokens, maxWaitMs, 0, now);
    }

    private static final int DENIED = 0;
    private static final int GRANTED = 1;
    private static final int UNDECIDED = 2;

    /**
     * The common case of {@link BucketMath#prepare} and {@link BucketMath#next} in primitives: same generation, no
     * wait, a request the bucket can grant some time. Anything else is {@link #UNDECIDED} and changes nothing.
     */
    private int acquireInPlace(BucketSpec spec, long tokens, long now) {
        if (tokens < 1 || spec.generation() != settings.generation() || tokens > settings.capacity()) {
            return UNDECIDED;
        }
        long need = tokens * Tokens.SCALE;
        long burst = settings.burstNanos();
        if (need > burst) {
            return UNDECIDED; // a leaky bucket asked for more than one token with no wait
        }
        // Refill (BucketMath.refill): nothing for time that runs backwards, never above the burst.
        long level = this.tokens;
        long at = lastRefillAt;
        long elapsed = now - at;
        if (elapsed > 0) {
            at = now;
            if (level < burst) {
                long room = burst - level;
                long rate = settings.ratePerMilli();
                level = elapsed >= Tokens.millisToRefill(room, rate) ? burst : level + elapsed * rate;
            }
        }
        this.tokens = level;
        lastRefillAt = at;
        attempted = BucketMath.saturatingAdd(attempted, tokens);
        if (level >= need) {
            this.tokens = level - need;
            granted = BucketMath.saturatingAdd(granted, tokens);
            return GRANTED;
        }
        return DENIED;
    }

    private AcquireResult acquireGeneral(BucketSpec spec, long tokens, long maxWaitMs, long reservePpm, long now) {
        BucketState current = state();
        BucketState prepared = BucketMath.prepare(current, spec, now);
        BucketState next = BucketMath.next(current, prepared, tokens, maxWaitMs, reservePpm);
        if (next != current) {
            load(next);
        }
        return BucketMath.decide(prepared, tokens, maxWaitMs, reservePpm);
    }
}
