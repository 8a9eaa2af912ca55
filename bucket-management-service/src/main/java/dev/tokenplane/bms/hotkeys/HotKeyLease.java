package dev.tokenplane.bms.hotkeys;

/**
 * One key on one member: counts the member's requests for it, promotes it to hot above the policy's rate, and then
 * serves requests from a lease of tokens taken from the key's owner in advance, exactly as the SDK's leases are taken
 * (the tokens leave the bucket before this member hands any out, so nothing is ever admitted twice).
 *
 * <p>The conversation with the owner is the caller's: {@link #tryLocal} answers from the lease or says to ask the owner;
 * {@link #leaseWanted} says how many extra tokens to ask the owner for along with the request (the request and the
 * lease in one acquire of {@code tokens + lease}); {@link #refreshWanted} says how many to add to a live lease that
 * runs low, before it runs out (a separate acquire, in the background); {@link #leased} records what the owner
 * granted, and a top-up runs the lease on for another {@code leaseMillis} from then (a key that stays hot keeps one
 * rolling lease, never a gap in which every request goes to the owner while a new lease is asked for);
 * {@link #expire} ends a lease past its time and says how many unused tokens to give back (a credit, which never
 * fills the bucket above its capacity). A denial never comes from here: when the lease cannot cover a request, the
 * owner decides it.
 *
 * <p>Pure and not thread-safe: time is an argument, and the caller serializes calls for one key.
 */
public final class HotKeyLease {

    private final HotKeyPolicy policy;
    private long windowStart = Long.MIN_VALUE;
    private long windowRequests;
    /** The rate the last full window saw, requests per second. */
    private double ratePerSecond;

    private boolean hot;
    private long held;
    /** What the lease held after the owner's last grant to it (its start or its last top-up). */
    private long given;

    private long expiresAt;

    public HotKeyLease(HotKeyPolicy policy) {
        this.policy = policy;
    }

    /**
     * A lease whose first window began at {@code windowStart} and has already counted {@code requests} (those a
     * member counted before it tracked the key, {@link WarmKeys}).
     */
    public HotKeyLease(HotKeyPolicy policy, long windowStart, long requests) {
        this.policy = policy;
        this.windowStart = windowStart;
        this.windowRequests = requests;
    }

    /**
     * Counts a request of {@code tokens} at {@code now} and serves it from the lease if the lease is live and holds
     * enough: true when granted here (the tokens are taken from the lease), false when the owner must decide.
     */
    public boolean tryLocal(long tokens, long now) {
        count(now);
        if (covers(tokens, now)) {
            held -= tokens;
            return true;
        }
        return false;
    }

    /**
     * Whether the lease could serve {@code tokens} at {@code now}, without counting a request or taking anything: a
     * caller that learns here that the owner must decide counts the request once, where it asks the owner.
     */
    public boolean covers(long tokens, long now) {
        return held >= tokens && now < expiresAt;
    }

    /**
     * The tokens to lease along with a request that goes to the owner at {@code now}: 0 when the key is not hot here or
     * a live lease still holds tokens; otherwise about {@code leaseMillis} of this member's rate, at most the policy's
     * share of {@code capacity}, at least 1.
     */
    public long leaseWanted(long capacity, long now) {
        if (!hot || (held > 0 && now < expiresAt)) {
            return 0;
        }
        return size(capacity);
    }

    /**
     * The tokens to add to a live lease at {@code now}, ahead of its running out (asked of the owner in the
     * background, not with a request): when the key is hot and the lease holds less than a quarter of what it was
     * given (at its start or last top-up), enough to bring it back to a lease's size; else 0. The lease never holds
     * more than the policy's share of {@code capacity}.
     */
    public long refreshWanted(long capacity, long now) {
        if (!hot || held == 0 || held * 4 >= given || now >= expiresAt) {
            return 0;
        }
        return Math.max(0, size(capacity) - held);
    }

    /** About {@code leaseMillis} of this member's rate, at most the policy's share of {@code capacity}, at least 1. */
    private long size(long capacity) {
        long forTraffic = (long) Math.ceil(ratePerSecond * policy.leaseMillis() / 1000d);
        long cap = Math.max(1, (long) Math.floor(capacity * policy.maxShareOfCapacity()));
        return Math.max(1, Math.min(forTraffic, cap));
    }

    /**
     * The owner granted a lease of {@code tokens} at {@code now} (0: none). Call {@link #expire} first when a lease
     * is held: the tokens of a live lease are added to it (a top-up), and the lease runs on for {@code leaseMillis}
     * from {@code now}. What it holds stays within a lease's size either way, so a rolling lease keeps no more tokens
     * on this member than a fresh one.
     */
    public void leased(long tokens, long now) {
        if (tokens <= 0) {
            return;
        }
        expiresAt = now + policy.leaseMillis();
        held += tokens;
        given = held;
    }

    /**
     * Ends the lease if it is past its time, or if the key has gone cold; returns the unused tokens to give back to the
     * owner (0 when nothing is to be returned).
     */
    public long expire(long now) {
        count(now, 0);
        if (held == 0 || (now < expiresAt && hot)) {
            return 0;
        }
        long unused = held;
        held = 0;
        return unused;
    }

    public boolean isHot() {
        return hot;
    }

    /** Tokens held by the lease now (not yet handed out, not yet returned). */
    public long held() {
        return held;
    }

    private void count(long now) {
        count(now, 1);
    }

    /** Adds {@code requests} to the window; a window that is over sets the rate and the hot flag. */
    private void count(long now, long requests) {
        if (windowStart == Long.MIN_VALUE) {
            windowStart = now;
        }
        long elapsed = now - windowStart;
        if (elapsed >= policy.windowMillis()) {
            ratePerSecond = windowRequests * 1000d / elapsed;
            if (!hot && ratePerSecond > policy.promoteAbovePerSecond()) {
                hot = true;
            } else if (hot && ratePerSecond < policy.demoteBelowPerSecond()) {
                hot = false;
            }
            windowStart = now;
            windowRequests = 0;
        }
        windowRequests += requests;
    }
}
