package dev.tokenplane.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * The lease maths: pure functions from a {@link LeaseState} and the current time to the next state.
 *
 * <h2>Deciding</h2>
 * A request for n tokens is taken from the lease when it holds n. Otherwise it is denied here while the BMS's last
 * denial for the key holds ({@code now < deniedUntil}), waits for the renewal in flight if there is one, and else
 * starts a renewal.
 *
 * <h2>Sizing a renewal</h2>
 * <pre>
 * rate   = (rate + demand / elapsed) / 2              # EWMA of the demand seen since the last renewal, tokens/s
 * target = ceil(rate * leaseDuration)
 * limit  = floor(capacity * maxShare)                  # one client never holds the whole bucket
 * avail  = min(capacity, remaining + refill * (now - observedAt))   # what the bucket likely holds now
 * block  = max(n, min(target, limit, avail, maxBlock))
 * </pre>
 * The first renewal of a key asks for n alone (nothing is known yet).
 *
 * <h2>Why leasing never over-admits</h2>
 * A renewal is an acquire of {@code block} tokens (a BMS lease when the block is larger than the request, a plain
 * acquire otherwise): they leave the bucket before this client hands any of them out. A token is either handed out
 * (taken from the lease by a compare-and-set) or given back (the lease emptied by a compare-and-set), never both; what
 * the BMS accepts back is at most what it gave. So the tokens handed out are at most the tokens the bucket gave, which
 * the bucket bounds by {@code capacity + refill * elapsed}.
 *
 * <h2>Which BMS lease the unused tokens go back under</h2>
 * The BMS credits a release only against a lease it recorded, at most the tokens of that lease, once. The client keeps
 * the id of its latest lease: a renewal starts when the lease holds fewer than the n tokens of a request, so what is
 * left of the older lease (under n) joins the new block, and the unused tokens of both go back under the new id. They
 * are at most {@code leftover + block - n < block}, within what the new lease took, so the BMS takes them all. A grant
 * without a lease id (the BMS could not record it) keeps the older id; tokens with no id to go back under are dropped.
 * Every way a release fails loses tokens, the safe direction.
 */
public final class LeaseMath {

    /**
     * @param durationMs how long leased tokens are kept before the unused ones go back
     * @param maxShare   the largest block as a share of the capacity, in (0, 1]
     */
    public record Policy(long durationMs, double maxShare) {}

    /** What to do with a request. */
    public sealed interface Step permits Take, Deny, Await, Renew {}

    /** Granted from the lease: swap in {@code next}. */
    public record Take(LeaseState next) implements Step {}

    /** Denied here, as the BMS denied it moments ago. */
    public record Deny(long retryAfterMs) implements Step {}

    /** Another request is renewing the lease: try again when it ends. */
    public record Await(CompletableFuture<Void> renewal) implements Step {}

    /** Renew the lease (see {@link #startRenewal}). */
    public record Renew() implements Step {}

    /** A renewal started: the state to swap in, and the block to ask the BMS for. */
    public record Renewal(LeaseState next, long block) {}

    /** What the BMS said about the bucket in its last answer. */
    public record Observation(long capacity, double refillPerSecond, long remaining, String ruleId) {}

    private static final Renew RENEW = new Renew();

    private LeaseMath() {}

    /** The step for a request of {@code n} tokens at {@code now}. */
    public static Step decide(LeaseState s, long n, long now) {
        if (s.tokens() >= n) {
            return new Take(s.withTokens(s.tokens() - n));
        }
        if (now < s.deniedUntil()) {
            return new Deny(s.deniedUntil() - now);
        }
        if (s.renewal() != null) {
            return new Await(s.renewal());
        }
        return RENEW;
    }

    /**
     * Starts a renewal for a request of {@code n}: updates the demand estimate with the {@code demand} tokens asked
     * for since the last renewal, marks the renewal in flight with {@code renewal}, and sizes the block.
     */
    public static Renewal startRenewal(
            LeaseState s, long n, long demand, long now, Policy policy, CompletableFuture<Void> renewal) {
        double rate = s.ratePerSecond();
        if (s.lastRenewalAt() > 0) {
            double sample = demand * 1000.0 / Math.max(1, now - s.lastRenewalAt());
            rate = rate == 0 ? sample : (rate + sample) / 2;
        }
        LeaseState next = new LeaseState(
                s.tokens(),
                s.leaseId(),
                s.expiresAt(),
                s.deniedUntil(),
                renewal,
                s.capacity(),
                s.refillPerSecond(),
                s.bucketRemaining(),
                s.observedAt(),
                s.ruleId(),
                rate,
                now,
                s.maxBlock());
        return new Renewal(next, blockSize(next, n, now, policy));
    }

    /** The block a renewal asks for (see the class comment). */
    static long blockSize(LeaseState s, long n, long now, Policy policy) {
        if (s.capacity() <= 0) {
            return n;
        }
        double target = Math.ceil(s.ratePerSecond() * policy.durationMs() / 1000.0);
        long limit = Math.max(1, (long) Math.floor(s.capacity() * policy.maxShare()));
        if (s.maxBlock() > 0) {
            limit = Math.min(limit, s.maxBlock());
        }
        long block = (long) Math.min(Math.min(target, limit), available(s, now));
        return Math.max(n, block);
    }

    /** What the bucket likely holds at {@code now}: its remaining tokens at the last answer plus refill since. */
    static long available(LeaseState s, long now) {
        double refilled = s.refillPerSecond() * Math.max(0, now - s.observedAt()) / 1000.0;
        return (long) Math.min(s.capacity(), Math.floor(s.bucketRemaining() + refilled));
    }

    /**
     * The renewal got its block: {@code extra} tokens (the block less what the request that renewed used) join the
     * lease, which now lasts until {@code now + duration}. Unused tokens go back under {@code leaseId}, the BMS lease
     * of the block, when it has one; else under the lease held so far (see the class comment).
     */
    public static LeaseState granted(LeaseState s, long extra, String leaseId, Observation o, long now, Policy policy) {
        return new LeaseState(
                s.tokens() + extra,
                leaseId != null ? leaseId : s.leaseId(),
                now + policy.durationMs(),
                0,
                null,
                o.capacity(),
                o.refillPerSecond(),
                o.remaining(),
                now,
                o.ruleId(),
                s.ratePerSecond(),
                s.lastRenewalAt(),
                s.maxBlock());
    }

    /** The BMS denied the request too: deny it here for {@code retryAfterMs}. */
    public static LeaseState denied(LeaseState s, long retryAfterMs, Observation o, long now) {
        return new LeaseState(
                s.tokens(),
                s.leaseId(),
                s.expiresAt(),
                now + Math.max(1, retryAfterMs),
                null,
                o.capacity(),
                o.refillPerSecond(),
                o.remaining(),
                now,
                o.ruleId(),
                s.ratePerSecond(),
                s.lastRenewalAt(),
                s.maxBlock());
    }

    /** The renewal ended without a BMS answer (an error, or the fallback decided). */
    public static LeaseState failed(LeaseState s) {
        return new LeaseState(
                s.tokens(),
                s.leaseId(),
                s.expiresAt(),
                s.deniedUntil(),
                null,
                s.capacity(),
                s.refillPerSecond(),
                s.bucketRemaining(),
                s.observedAt(),
                s.ruleId(),
                s.ratePerSecond(),
                s.lastRenewalAt(),
                s.maxBlock());
    }

    /**
     * The BMS refused a block as asked (a leaky bucket never holds more than one token): from now on renewals ask for
     * what the request needs alone. The renewal stays in flight.
     */
    public static LeaseState refuseBlocks(LeaseState s) {
        return new LeaseState(
                s.tokens(),
                s.leaseId(),
                s.expiresAt(),
                s.deniedUntil(),
                s.renewal(),
                s.capacity(),
                s.refillPerSecond(),
                s.bucketRemaining(),
                s.observedAt(),
                s.ruleId(),
                s.ratePerSecond(),
                s.lastRenewalAt(),
                1);
    }

    /** Whether the lease has ended with tokens to give back: expired, and no renewal in flight. */
    public static boolean expired(LeaseState s, long now) {
        return s.tokens() > 0 && s.renewal() == null && now >= s.expiresAt();
    }

    /**
     * Whether the key's entry may be forgotten: nothing held, nothing in flight, no denial holding, and untouched for
     * {@code idleMs}.
     */
    public static boolean idle(LeaseState s, long now, long idleMs) {
        return s.tokens() == 0
                && s.renewal() == null
                && now >= s.deniedUntil()
                && now - Math.max(s.lastRenewalAt(), s.observedAt()) >= idleMs;
    }
}
