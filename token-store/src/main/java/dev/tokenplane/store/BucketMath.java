package dev.tokenplane.store;

import java.util.OptionalLong;

/**
 * The bucket maths: pure functions from a state and the current time to the next state.
 *
 * <h2>Refill</h2>
 * {@code tokens' = min(burst, tokens + rate * max(0, now - lastRefillAt))}, where burst is the capacity (token
 * bucket) or one token (leaky bucket). Refill is computed only up to the room left, so it cannot overflow, and time that
 * runs backwards adds nothing and does not move {@code lastRefillAt} back (moving it back would refill the same interval
 * twice once the clock caught up).
 *
 * <h2>Acquire n tokens, waiting at most w ms</h2>
 * After refill, with {@code need = n * SCALE} and {@code deficit = need - tokens}:
 * <ul>
 *   <li>{@code deficit <= 0}: granted now.</li>
 *   <li>{@code deficit <= min(w * rate, queueBound)}: granted as a reservation; the caller waits
 *       {@code ceil(deficit / rate)} ms, and tokens go negative by the deficit. Later reservations queue behind it.</li>
 *   <li>otherwise denied, with {@code retryAfter = ceil((need - min(w * rate, queueBound) - tokens) / rate)}: the
 *       smallest whole number of milliseconds after which the same request is granted.</li>
 * </ul>
 * The queue bound is one capacity's worth of nanotokens. A grant with wait {@code t} is usable only at
 * {@code now + t}, and by then refill has covered it, so over any interval the tokens in use never exceed the tokens
 * held at its start plus {@code rate} times its length.
 *
 * <h2>Priority</h2>
 * A request of a class below {@link Priority#CRITICAL} carries a reserve, {@code r} parts per million of the
 * capacity ({@link PriorityReserves}): it is granted only if the level after the take, less the deficit it may wait
 * for, stays at or above {@code floor = r * capacity}; so with no wait, only if what remains after the take is at least
 * the floor. The floor is capped at {@code burst - need}, so a reserve never makes a request that fits the bucket
 * impossible (a request that large is granted only from a full bucket). A reserve of 0 is the rule above unchanged,
 * and a reserve only ever turns grants into denials, so it never lets out more tokens than the refill allows.
 *
 * <p>All methods are pure and thread-safe.
 */
public final class BucketMath {

    /** The transfer id that means "not part of a transfer". */
    public static final long NO_TRANSFER = 0;

    /**
     * What a transfer step answers when its bucket cannot prove whether the step was applied before: the id is at or
     * below the bucket's {@linkplain TransferLog#watermark() watermark} of forgotten steps, or the bucket does not
     * exist (it may have been evicted with its log). The step applied nothing now and never will; whoever sent it
     * must not give the tokens back on the strength of this answer.
     */
    public static final long STEP_FORGOTTEN = -1;

    private BucketMath() {}

    /** A new, full bucket for {@code spec}. */
    public static BucketState create(BucketSpec spec, long now) {
        BucketState empty = new BucketState(
                0,
                now,
                spec.capacity(),
                spec.ratePerMilli(),
                spec.algorithm(),
                spec.generation(),
                spec.idleTtlMillis(),
                0,
                0,
                now,
                null);
        return empty.withTokens(empty.burstNanos(), now);
    }

    /**
     * The bucket {@code spec} asks for: a new full one when there is none, the same one when the generations match,
     * and otherwise the existing one reset to the spec's capacity, rate and algorithm, keeping its tokens clamped.
     */
    public static BucketState adopt(BucketState current, BucketSpec spec, long now) {
        if (current == null) {
            return create(spec, now);
        }
        if (current.generation() == spec.generation()) {
            return current;
        }
        return refill(current, now)
                .withParameters(
                        spec.capacity(),
                        spec.ratePerMilli(),
                        spec.algorithm(),
                        spec.generation(),
                        spec.idleTtlMillis());
    }

    /** The state with refill applied up to {@code now}. */
    public static BucketState refill(BucketState s, long now) {
        long elapsed = now - s.lastRefillAt();
        if (elapsed <= 0) {
            return s;
        }
        long burst = s.burstNanos();
        if (s.tokens() >= burst) {
            return s.withTokens(s.tokens(), now);
        }
        long room = burst - s.tokens();
        // elapsed * rate < room + rate here, so the product cannot overflow.
        long tokens = elapsed >= Tokens.millisToRefill(room, s.ratePerMilli())
                ? burst
                : s.tokens() + elapsed * s.ratePerMilli();
        return s.withTokens(tokens, now);
    }

    /**
     * Refill, then take {@code tokens} if they are there, or reserve them if the caller may wait for them.
     *
     * @param current   the bucket, or null if it does not exist yet
     * @param spec      what to create the bucket from, or reset it to when the generation differs
     * @param tokens    tokens wanted, at least 1
     * @param maxWaitMs how long the caller will wait for a reservation; 0 for none
     * @param now       epoch millis on the bucket's owner
     * @return the next state (unchanged, possibly null, for an {@link AcquireResult.Unsatisfiable}) and the outcome
     */
    public static Transition<AcquireResult> acquire(
            BucketState current, BucketSpec spec, long tokens, long maxWaitMs, long now) {
        return acquire(current, spec, tokens, maxWaitMs, 0, now);
    }

    /**
     * {@link #acquire(BucketState, BucketSpec, long, long, long)} for a class whose reserve is {@code reservePpm} parts
     * per million of the capacity ({@link PriorityReserves#reservePpm}): granted only if the level after the take stays
     * at or above the reserve (see "Priority" above). A reserve of 0 (a critical request) is the plain acquire.
     */
    public static Transition<AcquireResult> acquire(
            BucketState current, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm, long now) {
        checkTokens(tokens);
        BucketState s = prepare(current, spec, now);
        return new Transition<>(
                next(current, s, tokens, maxWaitMs, reservePpm), decide(s, tokens, maxWaitMs, reservePpm));
    }

    /*
     * The same acquire in three steps, for a caller that wants no Transition per call (the local store's hot path):
     * prepare the state, derive the next state, and build the outcome only once that state is in place.
     */

    /**
     * The state an acquire decides on: {@code current} adopted to {@code spec} ({@link #adopt}) and refilled up to
     * {@code now}. Never null.
     */
    public static BucketState prepare(BucketState current, BucketSpec spec, long now) {
        return refill(adopt(current, spec, now), now);
    }

    /**
     * The state after acquiring {@code tokens}, waiting at most {@code maxWaitMs}, from {@code prepared}, itself
     * {@link #prepare prepared} from {@code current}: the tokens taken and both demand counters moved for a grant, the
     * attempt counted for a denial, and {@code current} unchanged (possibly null) for a request that can never be
     * granted. {@link #decide} gives the outcome that goes with it.
     */
    public static BucketState next(BucketState current, BucketState prepared, long tokens, long maxWaitMs) {
        return next(current, prepared, tokens, maxWaitMs, 0);
    }

    /** {@link #next(BucketState, BucketState, long, long)} for a class with a reserve of {@code reservePpm}. */
    public static BucketState next(
            BucketState current, BucketState prepared, long tokens, long maxWaitMs, long reservePpm) {
        checkTokens(tokens);
        checkReserve(reservePpm);
        if (tokens > prepared.capacity()) {
            return current;
        }
        long requiredLevel = requiredLevel(prepared, tokens, maxWaitMs);
        if (requiredLevel > prepared.burstNanos()) {
            return current;
        }
        long attempted = saturatingAdd(prepared.attempted(), tokens);
        if (prepared.tokens() >= requiredLevel + reserveFloor(prepared, tokens, reservePpm)) {
            return prepared.afterGrant(
                    prepared.tokens() - tokens * Tokens.SCALE, attempted, saturatingAdd(prepared.granted(), tokens));
        }
        return prepared.withCounters(attempted, prepared.granted(), prepared.windowStart());
    }

    /**
     * The outcome of acquiring {@code tokens}, waiting at most {@code maxWaitMs}, from a {@link #prepare prepared}
     * state: the one {@link #next} goes with. Changes nothing.
     */
    public static AcquireResult decide(BucketState s, long tokens, long maxWaitMs) {
        return decide(s, tokens, maxWaitMs, 0);
    }

    /** {@link #decide(BucketState, long, long)} for a class with a reserve of {@code reservePpm}. */
    public static AcquireResult decide(BucketState s, long tokens, long maxWaitMs, long reservePpm) {
        checkTokens(tokens);
        checkReserve(reservePpm);
        long rate = s.ratePerMilli();
        if (tokens > s.capacity()) {
            return new AcquireResult.Unsatisfiable(tokens, s.wholeTokens(), s.capacity(), rate, -1);
        }
        long need = tokens * Tokens.SCALE;
        long requiredLevel = requiredLevel(s, tokens, maxWaitMs);
        if (requiredLevel > s.burstNanos()) {
            // Only a leaky bucket gets here: it never holds n > 1 tokens, so the caller must be willing to wait.
            long minMaxWait = Tokens.millisToRefill(need - s.burstNanos(), rate);
            return new AcquireResult.Unsatisfiable(tokens, s.wholeTokens(), s.capacity(), rate, minMaxWait);
        }
        requiredLevel += reserveFloor(s, tokens, reservePpm);
        if (s.tokens() >= requiredLevel) {
            long waitMs = Tokens.millisToRefill(need - s.tokens(), rate);
            return new AcquireResult.Granted(tokens, Tokens.wholeTokens(s.tokens() - need), s.capacity(), rate, waitMs);
        }
        long retryAfter = Tokens.millisToRefill(requiredLevel - s.tokens(), rate);
        return new AcquireResult.Denied(tokens, s.wholeTokens(), s.capacity(), rate, retryAfter);
    }

    /** The level a grant needs: the tokens asked for, less the reservation the caller may wait for. */
    private static long requiredLevel(BucketState s, long tokens, long maxWaitMs) {
        long allowedDeficit =
                Math.min(saturatingMultiply(Math.max(0, maxWaitMs), s.ratePerMilli()), s.queueBoundNanos());
        return tokens * Tokens.SCALE - allowedDeficit;
    }

    /**
     * The level a class with a reserve of {@code reservePpm} must leave in the bucket: that share of the capacity,
     * capped at {@code burst - need} so that a request the bucket can hold is never made impossible by its class.
     */
    static long reserveFloor(BucketState s, long tokens, long reservePpm) {
        return reserveFloor(s.capacity(), s.burstNanos(), tokens, reservePpm);
    }

    /**
     * {@link #reserveFloor(BucketState, long, long)} from a bucket's capacity and burst: what an acquire of
     * {@code tokens} at {@code reservePpm} must leave, in nanotokens (for a borrower sizing its shortfall).
     */
    public static long reserveFloor(long capacity, long burstNanos, long tokens, long reservePpm) {
        if (reservePpm == 0) {
            return 0;
        }
        // capacity * SCALE / PPM is capacity * 1000 exactly; times a reserve below PPM it stays below 10^18.
        long floor = capacity * (Tokens.SCALE / PriorityReserves.PPM) * reservePpm;
        return Math.max(0, Math.min(floor, burstNanos - tokens * Tokens.SCALE));
    }

    private static void checkReserve(long reservePpm) {
        if (reservePpm < 0 || reservePpm >= PriorityReserves.PPM) {
            throw new IllegalArgumentException(
                    "reservePpm must be in [0, " + PriorityReserves.PPM + "), was " + reservePpm);
        }
    }

    private static void checkTokens(long tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
        }
    }

    /**
     * Take up to {@code nanotokens}, leaving at least {@code floorNanotokens} in the bucket. Used by transfers, which
     * debit a lender before crediting a borrower.
     *
     * @return the next state and the nanotokens taken (0 when there is nothing above the floor)
     */
    public static Transition<Long> debit(BucketState s, long nanotokens, long floorNanotokens, long now) {
        return debit(s, nanotokens, floorNanotokens, NO_TRANSFER, now);
    }

    /**
     * {@link #debit(BucketState, long, long, long)} as step {@code transferId} of a transfer: if this bucket has already
     * applied that step, it changes nothing and returns what it took then, so a retry never debits twice; if it may have
     * applied and forgotten it, it changes nothing and returns {@link #STEP_FORGOTTEN}. {@link #NO_TRANSFER} means no id.
     */
    public static Transition<Long> debit(
            BucketState s, long nanotokens, long floorNanotokens, long transferId, long now) {
        Transition<Long> replay = replay(s, transferId);
        if (replay != null) {
            return replay;
        }
        BucketState r = refill(s, now);
        long available = r.tokens() - Math.max(0, floorNanotokens);
        long taken = Math.max(0, Math.min(nanotokens, available));
        return new Transition<>(record(r.withTokens(r.tokens() - taken, r.lastRefillAt()), transferId, taken), taken);
    }

    /**
     * Add up to {@code nanotokens}, never above the bucket's burst. Tokens that do not fit are not created: the result
     * says how many were accepted, and the caller gives the rest back to where they came from.
     *
     * @return the next state and the nanotokens accepted
     */
    public static Transition<Long> credit(BucketState s, long nanotokens, long now) {
        return credit(s, nanotokens, NO_TRANSFER, now);
    }

    /**
     * {@link #credit(BucketState, long, long)} as step {@code transferId} of a transfer: a retry with the same id
     * changes nothing and returns what was accepted the first time, so a retry never credits twice, or
     * {@link #STEP_FORGOTTEN} as for a debit.
     */
    public static Transition<Long> credit(BucketState s, long nanotokens, long transferId, long now) {
        Transition<Long> replay = replay(s, transferId);
        if (replay != null) {
            return replay;
        }
        BucketState r = refill(s, now);
        long accepted = Math.max(0, Math.min(nanotokens, r.burstNanos() - r.tokens()));
        return new Transition<>(
                record(r.withTokens(r.tokens() + accepted, r.lastRefillAt()), transferId, accepted), accepted);
    }

    /**
     * What a debit or credit of a bucket that does not exist answers: 0 outside a transfer, and
     * {@link #STEP_FORGOTTEN} for a transfer step, since the bucket may have been evicted with the step in its log.
     */
    public static long absentStep(long transferId) {
        return transferId == NO_TRANSFER ? 0 : STEP_FORGOTTEN;
    }

    private static Transition<Long> replay(BucketState s, long transferId) {
        if (transferId == NO_TRANSFER || s.transfers() == null) {
            return null;
        }
        OptionalLong done = s.transfers().find(transferId);
        if (done.isPresent()) {
            return new Transition<>(s, done.getAsLong());
        }
        return s.transfers().isForgotten(transferId) ? new Transition<>(s, STEP_FORGOTTEN) : null;
    }

    private static BucketState record(BucketState s, long transferId, long amount) {
        return transferId == NO_TRANSFER ? s : s.withTransfer(transferId, amount);
    }

    /**
     * Change capacity and rate. Refill up to now runs at the old rate; the tokens are kept, clamped to the new burst.
     */
    public static BucketState resize(BucketState s, long capacity, long ratePerMilli, long now) {
        new BucketSpec(capacity, ratePerMilli, s.algorithm(), s.generation(), s.idleTtlMillis()); // validates
        return refill(s, now).withParameters(capacity, ratePerMilli, s.algorithm(), s.generation(), s.idleTtlMillis());
    }

    /**
     * {@link #resize} only while the bucket still carries {@code generation}: null when it carries another one (an
     * override, a rule change or a reset came in since the caller read it), so a resize computed from an older state
     * never lands after a newer configuration.
     */
    public static BucketState resizeIf(BucketState s, long generation, long capacity, long ratePerMilli, long now) {
        return s.generation() == generation ? resize(s, capacity, ratePerMilli, now) : null;
    }

    /** Read the demand counters and start a new window at {@code now}. */
    public static Transition<DemandSample> drainDemand(BucketState s, long now) {
        long to = Math.max(now, s.windowStart());
        DemandSample sample = new DemandSample(
                s.attempted(), s.granted(), s.windowStart(), to, s.capacity(), s.ratePerMilli(), s.generation());
        return new Transition<>(s.withCounters(0, 0, to), sample);
    }

    /**
     * Whether the bucket may be evicted at {@code now}: it has an idle TTL, has been idle at least that long, and is
     * full, so that re-creating it full from its spec later gives nobody a token it would not have had.
     */
    public static boolean isEvictable(BucketState s, long now) {
        return s.idleTtlMillis() > 0
                && now - s.lastRefillAt() >= s.idleTtlMillis()
                && refill(s, now).tokens() >= s.burstNanos();
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a ^ b) < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
