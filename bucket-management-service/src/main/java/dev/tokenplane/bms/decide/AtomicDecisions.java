package dev.tokenplane.bms.decide;

import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All-or-nothing decisions ({@code POST /v1/acquire} with {@code "atomic": true}): every item is granted, or none keeps
 * its tokens.
 *
 * <p>Every item is reserved in one {@link BucketStore#acquireAll} call; if any item is denied, each item that took
 * tokens gets them back through {@link BucketStore#credit(String, long, long)} with an id of its own, so a retried
 * give-back is applied once. This never admits more than each bucket allows; between the debit and the give-back
 * another caller may be denied a token that was about to come back (a spurious denial, never an extra grant). A
 * give-back is capped at the bucket's burst, as any credit is, so a bucket that refilled meanwhile is full, not over.
 *
 * <p>No borrowing from a pool in an atomic batch: a borrow would be a second round trip between debit and give-back.
 * A shadow rule's item never blocks the batch (it always grants), but what it took is given back when the batch fails.
 *
 * <p>Non-blocking and thread-safe.
 */
public final class AtomicDecisions {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicDecisions.class);
    /** Tries of one give-back: the first and two retries with the same id. */
    private static final int GIVE_BACK_TRIES = 3;

    /**
     * The answer to an atomic batch.
     *
     * @param granted      whether every item was granted
     * @param retryAfterMs for a denial, the longest of the items' retryAfterMs; 0 when granted
     * @param results      each item's decision, in request order; when the batch is denied, no item is granted
     */
    public record Outcome(boolean granted, long retryAfterMs, List<Decision> results) {}

    private final DecisionService decisions;
    private final BucketStore store;
    private final LongSupplier giveBackIds;

    /**
     * @param giveBackIds ids for the store's credit, at least 1, unique across the cluster and growing with time
     *                    ({@code TransferIds.timeOrdered()}): an id below a bucket's watermark would apply nothing
     */
    public AtomicDecisions(DecisionService decisions, BucketStore store, LongSupplier giveBackIds) {
        this.decisions = decisions;
        this.store = store;
        this.giveBackIds = giveBackIds;
    }

    /**
     * Decides {@code requests} all together for a caller with {@code clientId} and {@code tier}. Fails (nothing
     * consumed) with {@link NoRuleException} or an {@link dev.tokenplane.bms.rules.InvalidInputException} naming the
     * item, when any item has no rule or can never be granted.
     */
    public CompletionStage<Outcome> acquire(List<DecisionService.Request> requests, String clientId, String tier) {
        List<BucketBinding> bindings = new ArrayList<>(requests.size());
        List<AcquireCommand> commands = new ArrayList<>(requests.size());
        try {
            for (DecisionService.Request r : requests) {
                BucketBinding b = decisions.bind(r.key(), clientId, tier);
                bindings.add(b);
                commands.add(r.command(b));
            }
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return Completions.on(store.acquireAll(commands)).thenCompose(results -> settle(requests, bindings, results));
    }

    private CompletionStage<Outcome> settle(
            List<DecisionService.Request> requests, List<BucketBinding> bindings, List<AcquireResult> results) {
        boolean all = true;
        for (int i = 0; i < results.size(); i++) {
            all &= bindings.get(i).rule().shadow() || results.get(i).granted();
        }
        if (all) {
            List<Decision> granted = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                granted.add(decisions.decide(requests.get(i), bindings.get(i), results.get(i)));
            }
            return CompletableFuture.completedFuture(new Outcome(true, 0, granted));
        }
        List<CompletableFuture<Void>> giveBacks = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).granted()) {
                giveBacks.add(
                        giveBack(bindings.get(i).storeKey(), results.get(i).tokens(), giveBackIds.getAsLong(), 1));
            }
        }
        // the answer waits for the give-backs, so a caller that retries at once finds its tokens back
        return CompletableFuture.allOf(giveBacks.toArray(CompletableFuture[]::new))
                .thenApply(v -> denied(requests, bindings, results));
    }

    /** Every item denied: the store's denial, or for an item that had taken tokens, a denial with them given back. */
    private Outcome denied(
            List<DecisionService.Request> requests, List<BucketBinding> bindings, List<AcquireResult> results) {
        List<Decision> answers = new ArrayList<>(results.size());
        long retryAfter = 0;
        for (int i = 0; i < results.size(); i++) {
            AcquireResult r = results.get(i);
            AcquireResult asDenied = r instanceof AcquireResult.Granted g
                    ? new AcquireResult.Denied(
                            g.tokens(),
                            Math.min(g.capacity(), g.remaining() + g.tokens()),
                            g.capacity(),
                            g.ratePerMilli(),
                            0)
                    : r;
            Decision d = decisions.decide(requests.get(i), bindings.get(i), asDenied);
            answers.add(d);
            retryAfter = Math.max(retryAfter, d.retryAfterMs());
        }
        return new Outcome(false, Math.max(1, retryAfter), answers);
    }

    /** Credits {@code tokens} back to {@code storeKey} as step {@code id}; a failed try is retried with the same id. */
    private CompletableFuture<Void> giveBack(String storeKey, long tokens, long id, int attempt) {
        return Completions.on(store.credit(storeKey, Tokens.toNano(tokens), id))
                .handle((accepted, error) -> {
                    if (error == null) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (attempt < GIVE_BACK_TRIES) {
                        return giveBack(storeKey, tokens, id, attempt + 1);
                    }
                    // lost tokens deny a little more, never admit more
                    LOG.warn("could not give back {} tokens of a denied atomic batch: {}", tokens, error.toString());
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(f -> f);
    }
}
