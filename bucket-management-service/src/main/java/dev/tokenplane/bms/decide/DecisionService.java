package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.DecisionCounters;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Priority;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decisions: binds a key to what serves it ({@link BucketResolver}, once per decision, passed down), asks the
 * store, and maps the store's outcome to the contract.
 *
 * <ul>
 *   <li>{@link AcquireResult.Unsatisfiable} is a 400 {@code validation} naming the limit.</li>
 *   <li>{@link AcquireResult.Refused} (no bucket, and the owner's bucket budget is spent) is a
 *       {@link BucketBudgetExhaustedException}; in a batch, that item fails alone.</li>
 *   <li>A shadow rule decides and counts ({@code shadow_denied}) but always grants.</li>
 *   <li>A denied bucket that may borrow asks the {@link Borrower} once, and retries once if it got tokens.</li>
 *   <li>A batch is one {@link BucketStore#acquireAll} call (the store makes one call per owning member).</li>
 * </ul>
 *
 * <p>Non-blocking and thread-safe; continuations of store stages run where the stage completes.
 */
public final class DecisionService {
    /** The longest wait a request may accept for a reservation: one hour. */
    public static final long MAX_WAIT_MS = 3_600_000;

    private static final String NO_RULE = "none";

    /**
     * One validated acquire request.
     *
     * @param priority the request's class: below {@code critical}, it may not take its rule's reserved share of the
     *                 bucket ({@link dev.tokenplane.store.PriorityReserves})
     */
    public record Request(String key, long tokens, long maxWaitMs, Priority priority) {
        public Request {
            if (priority == null) {
                throw new IllegalArgumentException("priority is required");
            }
        }

        /** A request of the default class, {@code normal}. */
        public Request(String key, long tokens, long maxWaitMs) {
            this(key, tokens, maxWaitMs, Priority.DEFAULT);
        }

        /** The store command of this request on {@code binding}'s bucket, with the reserve of its class. */
        AcquireCommand command(BucketBinding binding) {
            return new AcquireCommand(binding.storeKey(), binding.spec(), tokens, maxWaitMs, reservePpm(binding));
        }

        /** The share of the bucket this request's class must leave, from the rule already bound (no second lookup). */
        long reservePpm(BucketBinding binding) {
            return binding.rule().reserves().reservePpm(priority);
        }
    }

    /** One result of a batch: a decision, or the error of an item that failed alone. */
    public sealed interface BatchItem permits Decided, Failed {}

    public record Decided(Decision decision) implements BatchItem {}

    public record Failed(String key, RuntimeException error) implements BatchItem {}

    private record Outcome(AcquireResult result, long borrowed) {}

    private final BucketStore store;
    private final BucketResolver resolver;
    private final Borrower borrower;
    private final BmsMetrics metrics;
    private final InstantSource clock;
    private final DecisionStats stats;
    /** The store's answers on the calling thread, when it gives any (hot keys' member-local leases); else null. */
    private final ImmediateAcquire immediate;

    /**
     * @param resolver what serves each key (resolved once per decision)
     * @param stats    this member's per-rule counts and denied keys ({@code GET /v1/stats})
     */
    public DecisionService(
            BucketStore store,
            BucketResolver resolver,
            Borrower borrower,
            BmsMetrics metrics,
            InstantSource clock,
            DecisionStats stats) {
        this.store = store;
        this.resolver = resolver;
        this.borrower = borrower;
        this.metrics = metrics;
        this.clock = clock;
        this.stats = stats;
        this.immediate = store instanceof ImmediateAcquire i ? i : null;
    }

    /**
     * What serves {@code key} now, for a caller with {@code clientId} (null for none): the rule, and the bucket of that
     * rule (and client, for a {@code {client}} rule). An override of {@code key} applies to each of its buckets.
     *
     * @throws NoRuleException when no rule matches
     */
    public BucketBinding bind(String key, String clientId) {
        return bind(key, clientId, null);
    }

    /**
     * What serves {@code key} now for a caller with {@code clientId} and {@code tier} (each null for none): a rule of
     * the caller's tier beats the same pattern without a tier, and a rule of another tier never serves it.
     *
     * @throws NoRuleException when no rule matches
     */
    public BucketBinding bind(String key, String clientId, String tier) {
        BucketBinding binding = resolver.resolve(key, clientId, tier);
        if (binding == null) {
            metrics.decision(BmsMetrics.Outcome.REJECTED, NO_RULE);
            throw new NoRuleException(key);
        }
        return binding;
    }

    /**
     * One decision. Fails with {@link NoRuleException}, {@link InvalidInputException} or
     * {@link BucketBudgetExhaustedException}.
     */
    public CompletionStage<Decision> acquire(Request request, String clientId) {
        return acquire(request, clientId, null);
    }

    /** One decision for a caller of {@code tier}. Fails with {@link NoRuleException} or {@link InvalidInputException}. */
    public CompletionStage<Decision> acquire(Request request, String clientId, String tier) {
        BucketBinding binding;
        try {
            binding = bind(request.key(), clientId, tier);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return acquire(request, binding);
    }

    /** One decision on the bucket {@code binding} names ({@link #bind}). Fails with {@link InvalidInputException}. */
    public CompletionStage<Decision> acquire(Request request, BucketBinding binding) {
        CompletableFuture<AcquireResult> result = Completions.on(store.acquire(
                binding.storeKey(),
                binding.spec(),
                request.tokens(),
                request.maxWaitMs(),
                request.reservePpm(binding)));
        if (!mayBorrow(binding)) {
            return result.thenApply(r -> decide(request, binding, new Outcome(r, 0)));
        }
        return result.thenCompose(r -> borrowIfDenied(request, binding, r)).thenApply(o -> decide(request, binding, o));
    }

    /**
     * The decision on the bucket {@code binding} names when the store can give it now on this thread (a grant from a
     * hot key's member-local lease), counted like any other; else null, and nothing was counted or taken: call
     * {@link #acquire(Request, BucketBinding)}. Requests that keep a reserve go to the store as usual.
     */
    public Decision acquireNow(Request request, BucketBinding binding) {
        if (immediate == null || request.reservePpm(binding) != 0) {
            return null;
        }
        AcquireResult.Granted granted =
                immediate.acquireNow(binding.storeKey(), binding.spec(), request.tokens(), request.maxWaitMs());
        return granted == null ? null : decide(request, binding, new Outcome(granted, 0));
    }

    /** A batch, in one store call; results in request order, each a decision or an item error. */
    public CompletionStage<List<BatchItem>> acquireAll(List<Request> requests, String clientId) {
        return acquireAll(requests, clientId, null);
    }

    /** A batch for a caller of {@code tier} ({@link #bind(String, String, String)}). */
    public CompletionStage<List<BatchItem>> acquireAll(List<Request> requests, String clientId, String tier) {
        BatchItem[] items = new BatchItem[requests.size()];
        BucketBinding[] bindings = new BucketBinding[requests.size()];
        List<AcquireCommand> commands = new ArrayList<>(requests.size());
        List<Integer> positions = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            Request r = requests.get(i);
            try {
                bindings[i] = bind(r.key(), clientId, tier);
                commands.add(r.command(bindings[i]));
                positions.add(i);
            } catch (RuntimeException e) {
                items[i] = new Failed(r.key(), e);
            }
        }
        CompletionStage<List<AcquireResult>> results = commands.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : Completions.on(store.acquireAll(commands));
        return results.thenCompose(list -> {
            List<CompletableFuture<Void>> pending = new ArrayList<>();
            for (int j = 0; j < list.size(); j++) {
                int i = positions.get(j);
                Request r = requests.get(i);
                AcquireResult result = list.get(j);
                if (result instanceof AcquireResult.Denied && mayBorrow(bindings[i])) {
                    pending.add(borrowIfDenied(r, bindings[i], result)
                            .thenAccept(o -> items[i] = decided(r, bindings[i], o)));
                } else {
                    items[i] = decided(r, bindings[i], new Outcome(result, 0));
                }
            }
            if (pending.isEmpty()) {
                return CompletableFuture.completedFuture(List.of(items));
            }
            return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .thenApply(v -> List.of(items));
        });
    }

    /** One item's decision, or its error: an item fails alone. */
    private BatchItem decided(Request request, BucketBinding binding, Outcome outcome) {
        try {
            return new Decided(decide(request, binding, outcome));
        } catch (RuntimeException e) {
            return new Failed(request.key(), e);
        }
    }

    private CompletableFuture<Outcome> borrowIfDenied(Request request, BucketBinding binding, AcquireResult result) {
        if (!(result instanceof AcquireResult.Denied denied) || !mayBorrow(binding)) {
            return CompletableFuture.completedFuture(new Outcome(result, 0));
        }
        return Completions.on(
                        borrower.borrow(new Borrower.Request(binding, request.tokens(), denied, request.priority())))
                .exceptionally(e -> 0L) // a failed transfer is a plain denial
                .thenCompose(credited -> {
                    if (credited == null || credited <= 0) {
                        return CompletableFuture.completedFuture(new Outcome(result, 0));
                    }
                    return Completions.on(store.acquire(
                                    binding.storeKey(),
                                    binding.spec(),
                                    request.tokens(),
                                    request.maxWaitMs(),
                                    request.reservePpm(binding)))
                            .thenApply(r -> new Outcome(r, r.granted() ? Math.min(credited, request.tokens()) : 0));
                });
    }

    /**
     * The decision for a store outcome already in hand, counted like any other (no borrowing): for
     * {@link AtomicDecisions}, which asks the store itself. Throws {@link InvalidInputException} for an unsatisfiable
     * request.
     */
    Decision decide(Request request, BucketBinding binding, AcquireResult result) {
        return decide(request, binding, new Outcome(result, 0));
    }

    private boolean mayBorrow(BucketBinding binding) {
        return borrower != Borrower.NONE && binding.mayBorrow();
    }

    private Decision decide(Request request, BucketBinding binding, Outcome outcome) {
        Rule rule = binding.rule();
        AcquireResult r = outcome.result();
        boolean shadow = rule.shadow();
        if (r instanceof AcquireResult.Unsatisfiable u && !shadow) {
            metrics.decision(BmsMetrics.Outcome.REJECTED, rule.id());
            throw new InvalidInputException(unsatisfiable(request, u));
        }
        if (r instanceof AcquireResult.Refused && !shadow) {
            metrics.decision(BmsMetrics.Outcome.REJECTED, rule.id());
            throw new BucketBudgetExhaustedException();
        }
        if (shadow) {
            boolean wouldDeny = !r.granted();
            metrics.decision(wouldDeny ? BmsMetrics.Outcome.SHADOW_DENIED : BmsMetrics.Outcome.GRANTED, rule.id());
            stats.record(
                    wouldDeny ? DecisionCounters.Outcome.SHADOW_DENIED : DecisionCounters.Outcome.GRANTED,
                    rule.id(),
                    request.key(),
                    clock.millis());
            long waitMs = r instanceof AcquireResult.Granted g ? g.waitMs() : 0;
            return new Decision(
                    request.key(),
                    true,
                    request.tokens(),
                    r.remaining(),
                    r.capacity(),
                    r.refillPerSecond(),
                    waitMs,
                    0,
                    0,
                    rule.id(),
                    true,
                    wouldDeny);
        }
        if (r instanceof AcquireResult.Granted g) {
            metrics.decision(BmsMetrics.Outcome.GRANTED, rule.id());
            stats.record(DecisionCounters.Outcome.GRANTED, rule.id(), request.key(), clock.millis());
            return new Decision(
                    request.key(),
                    true,
                    request.tokens(),
                    g.remaining(),
                    g.capacity(),
                    g.refillPerSecond(),
                    g.waitMs(),
                    0,
                    outcome.borrowed(),
                    rule.id(),
                    null,
                    null);
        }
        AcquireResult.Denied d = (AcquireResult.Denied) r;
        metrics.decision(BmsMetrics.Outcome.DENIED, rule.id());
        stats.record(DecisionCounters.Outcome.DENIED, rule.id(), request.key(), clock.millis());
        return new Decision(
                request.key(),
                false,
                request.tokens(),
                d.remaining(),
                d.capacity(),
                d.refillPerSecond(),
                0,
                Math.max(1, d.retryAfterMs()),
                0,
                rule.id(),
                null,
                null);
    }

    private static String unsatisfiable(Request request, AcquireResult.Unsatisfiable u) {
        if (request.tokens() > u.capacity()) {
            return "tokens must be <= the bucket's capacity " + u.capacity() + ", was " + request.tokens();
        }
        return "tokens " + request.tokens() + " on this leaky bucket needs maxWaitMs >= " + u.minMaxWaitMs() + ", was "
                + request.maxWaitMs();
    }
}
