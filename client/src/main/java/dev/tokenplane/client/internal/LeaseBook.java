package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.InvalidRequestException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;

/**
 * The client's token leases, one per key: decisions served from leased tokens, renewals, and the return of unused
 * tokens when a lease ends (see {@link LeaseMath} for the rules and why they never over-admit).
 *
 * <p>Lock-free, after the local store: each key holds an {@link AtomicReference} to an immutable {@link LeaseState},
 * and every change is a compare-and-set of the next state {@link LeaseMath} computes. One renewal per key is in
 * flight at a time; requests the lease cannot cover meanwhile wait for it. Idle keys are forgotten by
 * {@link #expireDue()} through a tombstone, so a request racing with it retries on a fresh entry.
 *
 * <p>The BMS side is a {@link Backend}: over HTTP in the client, over a local store in the property tests.
 */
public final class LeaseBook {

    /** Where leased tokens come from and go back to. */
    public interface Backend {
        /** Whether the BMS can be reached now; when not, nothing is leased and the fallback decides. */
        boolean available();

        /** Acquire {@code tokens} with no wait: a BMS decision, or the fallback's when no BMS answers. */
        CompletionStage<Decision> acquire(String key, long tokens);

        /**
         * Acquire {@code tokens} with no wait as a BMS lease: the decision, and the lease to give unused tokens back
         * under (null when there is none: denied, decided by the fallback, or not recorded by the BMS).
         */
        CompletionStage<Grant> lease(String key, long tokens);

        /**
         * Give back unused tokens of BMS lease {@code leaseId}. The BMS takes at most what the lease took, once; a
         * release it refuses, or that never arrives, loses the tokens, which is the safe direction.
         */
        CompletionStage<?> release(String key, String leaseId, long tokens);
    }

    /** A decision, and the BMS lease of its tokens (null when none). */
    public record Grant(Decision decision, String leaseId) {}

    /** Marks an entry being forgotten; compared by identity. */
    private static final LeaseState EVICTED = new LeaseState(0, null, 0, 0, null, 0, 0, 0, 0, null, 0, 0, 0);

    private static final class Entry {
        final AtomicReference<LeaseState> state = new AtomicReference<>(LeaseState.EMPTY);
        final LongAdder demand = new LongAdder();
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final Backend backend;
    private final InstantSource clock;
    private final LeaseMath.Policy policy;
    private final ClientEvents events;
    private final int maxKeys;
    private final long idleMs;

    public LeaseBook(Backend backend, InstantSource clock, LeaseMath.Policy policy, ClientEvents events, int maxKeys) {
        this.backend = backend;
        this.clock = clock;
        this.policy = policy;
        this.events = events;
        this.maxKeys = maxKeys;
        this.idleMs = Math.max(10 * policy.durationMs(), 10_000);
    }

    /** A decision for {@code n} tokens of {@code key}, from the lease when it can, else after renewing it. */
    public CompletionStage<Decision> acquire(String key, long n) {
        if (!backend.available()) {
            return backend.acquire(key, n);
        }
        Entry e = entries.get(key);
        if (e == null) {
            if (entries.size() >= maxKeys) {
                return backend.acquire(key, n);
            }
            e = entries.computeIfAbsent(key, k -> new Entry());
        }
        e.demand.add(n);
        return attempt(key, e, n);
    }

    private CompletionStage<Decision> attempt(String key, Entry entry, long n) {
        Entry e = entry;
        while (true) {
            LeaseState s = e.state.get();
            if (s == EVICTED) {
                e = entries.computeIfAbsent(key, k -> new Entry());
                continue;
            }
            long now = clock.millis();
            LeaseMath.Step step = LeaseMath.decide(s, n, now);
            if (step instanceof LeaseMath.Take take) {
                if (e.state.compareAndSet(s, take.next())) {
                    LeaseState next = take.next();
                    return CompletableFuture.completedFuture(new Decision(
                            key,
                            true,
                            n,
                            next.tokens() + LeaseMath.available(next, now),
                            next.capacity(),
                            next.refillPerSecond(),
                            0,
                            0,
                            next.ruleId(),
                            DecisionSource.LEASE));
                }
            } else if (step instanceof LeaseMath.Deny deny) {
                return CompletableFuture.completedFuture(new Decision(
                        key,
                        false,
                        n,
                        s.tokens() + LeaseMath.available(s, now),
                        s.capacity(),
                        s.refillPerSecond(),
                        0,
                        deny.retryAfterMs(),
                        s.ruleId(),
                        DecisionSource.LEASE));
            } else if (step instanceof LeaseMath.Await await) {
                Entry waiting = e;
                return await.renewal().thenCompose(v -> attempt(key, waiting, n));
            } else {
                long demand = e.demand.sumThenReset();
                CompletableFuture<Void> done = new CompletableFuture<>();
                LeaseMath.Renewal renewal = LeaseMath.startRenewal(s, n, demand, now, policy, done);
                if (e.state.compareAndSet(s, renewal.next())) {
                    return renew(key, e, n, renewal.block(), done);
                }
                e.demand.add(demand);
            }
        }
    }

    /**
     * Asks the BMS for {@code block} tokens (as a lease when more than the request needs); falls back to {@code n}
     * alone when the block is denied or refused.
     */
    private CompletionStage<Decision> renew(String key, Entry e, long n, long block, CompletableFuture<Void> done) {
        CompletableFuture<Decision> result = new CompletableFuture<>();
        CompletionStage<Grant> asked = block > n
                ? backend.lease(key, block)
                : backend.acquire(key, block).thenApply(d -> new Grant(d, null));
        asked.whenComplete((g, err) -> {
            Throwable cause = unwrap(err);
            Decision d = g == null ? null : g.decision();
            if (block > n && cause instanceof InvalidRequestException) {
                update(e, LeaseMath::refuseBlocks);
                single(key, e, n, done, result);
            } else if (cause != null) {
                end(e, LeaseMath::failed, done);
                result.completeExceptionally(cause);
            } else if (d.source() != DecisionSource.BMS) {
                // the fallback decided: nothing was taken from the BMS bucket, so nothing may be leased
                end(e, LeaseMath::failed, done);
                result.complete(new Decision(
                        key,
                        d.granted(),
                        n,
                        d.remaining(),
                        d.capacity(),
                        d.refillPerSecond(),
                        d.waitMs(),
                        d.retryAfterMs(),
                        d.ruleId(),
                        d.source()));
            } else if (d.granted()) {
                result.complete(granted(key, e, n, block - n, g.leaseId(), d, done));
            } else if (block > n) {
                single(key, e, n, done, result);
            } else {
                end(e, s -> LeaseMath.denied(s, d.retryAfterMs(), observation(d), clock.millis()), done);
                result.complete(d);
            }
        });
        return result;
    }

    /** The block was denied or refused: ask for what the request needs alone. */
    private void single(String key, Entry e, long n, CompletableFuture<Void> done, CompletableFuture<Decision> result) {
        backend.acquire(key, n).whenComplete((d, err) -> {
            Throwable cause = unwrap(err);
            if (cause != null) {
                end(e, LeaseMath::failed, done);
                result.completeExceptionally(cause);
            } else if (d.source() != DecisionSource.BMS) {
                end(e, LeaseMath::failed, done);
                result.complete(d);
            } else if (d.granted()) {
                result.complete(granted(key, e, n, 0, null, d, done));
            } else {
                end(e, s -> LeaseMath.denied(s, d.retryAfterMs(), observation(d), clock.millis()), done);
                result.complete(d);
            }
        });
    }

    private Decision granted(
            String key, Entry e, long n, long extra, String leaseId, Decision d, CompletableFuture<Void> done) {
        LeaseState after =
                end(e, s -> LeaseMath.granted(s, extra, leaseId, observation(d), clock.millis(), policy), done);
        if (extra > 0) {
            events.leaseRenewed(key, extra);
        }
        return new Decision(
                key,
                true,
                n,
                d.remaining() + after.tokens(),
                d.capacity(),
                d.refillPerSecond(),
                0,
                0,
                d.ruleId(),
                DecisionSource.BMS);
    }

    /** Ends the renewal in flight with {@code change}, then lets the requests waiting for it try again. */
    private LeaseState end(Entry e, UnaryOperator<LeaseState> change, CompletableFuture<Void> done) {
        LeaseState next = update(e, change);
        done.complete(null);
        return next;
    }

    private static LeaseState update(Entry e, UnaryOperator<LeaseState> change) {
        while (true) {
            LeaseState s = e.state.get();
            LeaseState next = change.apply(s);
            if (e.state.compareAndSet(s, next)) {
                return next;
            }
        }
    }

    private static LeaseMath.Observation observation(Decision d) {
        return new LeaseMath.Observation(d.capacity(), d.refillPerSecond(), d.remaining(), d.ruleId());
    }

    /**
     * Gives back the unused tokens of every lease that has ended, and forgets keys idle for a while. Returns the
     * tokens the ended leases held (given back, or dropped when there was no BMS lease to give them back under).
     */
    public long expireDue() {
        long now = clock.millis();
        long given = 0;
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            while (true) {
                LeaseState s = e.state.get();
                if (s == EVICTED) {
                    break;
                }
                if (LeaseMath.expired(s, now)) {
                    if (e.state.compareAndSet(s, s.ended())) {
                        giveBack(me.getKey(), s);
                        given += s.tokens();
                        break;
                    }
                    continue;
                }
                if (LeaseMath.idle(s, now, idleMs) && e.state.compareAndSet(s, EVICTED)) {
                    entries.remove(me.getKey(), e);
                }
                break;
            }
        }
        return given;
    }

    /** Gives back every leased token now (on close); completes when the BMS answered every release. */
    public CompletableFuture<Void> releaseAll() {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            AtomicReference<LeaseState> ref = me.getValue().state;
            while (true) {
                LeaseState s = ref.get();
                if (s == EVICTED || s.tokens() == 0) {
                    break;
                }
                if (ref.compareAndSet(s, s.ended())) {
                    pending.add(giveBack(me.getKey(), s).toCompletableFuture());
                    break;
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new));
    }

    /** Gives back the tokens of lease {@code s}, which has just ended (the state no longer holds them). */
    private CompletionStage<?> giveBack(String key, LeaseState s) {
        if (s.leaseId() == null) {
            events.leaseEnded(key, s.tokens(), false);
            return CompletableFuture.completedFuture(null);
        }
        events.leaseEnded(key, s.tokens(), true);
        return backend.release(key, s.leaseId(), s.tokens());
    }

    /** Tokens held in leases now, over every key. */
    public long tokensHeld() {
        long sum = 0;
        for (Entry e : entries.values()) {
            LeaseState s = e.state.get();
            sum += s == EVICTED ? 0 : s.tokens();
        }
        return sum;
    }

    /** Keys tracked now. */
    public int size() {
        return entries.size();
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
