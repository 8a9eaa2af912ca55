package dev.tokenplane.bms.leases;

import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.decide.Decision;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.exec.TransferIds;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client token leases: a lease is an acquire whose grant is recorded in the {@link LeaseLedger}, and a release ends
 * the lease and credits its unused tokens back.
 *
 * <p>Order of the release: the lease ends first (atomically, on its owner), the credit comes second. When the credit
 * fails or the bucket accepts less (it never fills above its capacity; an evicted bucket accepts nothing), the
 * difference is lost, never handed out twice: losing tokens is the safe direction. The credit is a step with an id
 * drawn once per release ({@link TransferIds#timeOrdered()}), so a credit resent below HTTP (Hazelcast retries an
 * invocation whose member left, even when that member had applied it) is applied once; a second release of the same
 * lease is refused by the ledger. The id is time-ordered because a bucket answers a step whose id is at or below the
 * largest one it has forgotten as "forgotten" (applies nothing): an id derived from the lease would often be. A
 * release that names no lease the caller holds credits nothing, so no caller can put back tokens it never took.
 *
 * <p>Thread-safe and non-blocking.
 */
public final class LeaseService {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseService.class);

    /**
     * A lease's outcome: the decision, and the lease when the grant took tokens that can come back (null when denied,
     * a shadow rule's would-be denial, which took no tokens, or a lease that could not be recorded).
     */
    public record Granted(Decision decision, String leaseId, Long expiresAt) {}

    /**
     * A release's outcome: tokens taken off the lease ({@code min(tokens, leased)}) and tokens the bucket accepted
     * (fractional: a bucket that refilled a little since has room for a little less).
     */
    public record Returned(long released, double accepted) {}

    private final DecisionService decisions;
    private final LeaseLedger ledger;
    private final BucketStore store;
    private final Executor offPartitionThreads;
    private final TransferIds releaseIds = TransferIds.timeOrdered();

    /**
     * @param offPartitionThreads where the credit of a release starts: not on the Hazelcast thread that completed the
     *                            ledger's answer, which may be a partition thread, and a partition thread may not call
     *                            another member (the bucket's partition may be owned elsewhere)
     */
    public LeaseService(
            DecisionService decisions, LeaseLedger ledger, BucketStore store, Executor offPartitionThreads) {
        this.decisions = decisions;
        this.ledger = ledger;
        this.store = store;
        this.offPartitionThreads = offPartitionThreads;
    }

    /**
     * Acquires as {@code request} asks (never waiting) and records the lease of a grant that took tokens, against the
     * very bucket it took from (the binding's store key: key, rule and client). A grant stands even when its lease
     * cannot be recorded.
     */
    public CompletionStage<Granted> lease(
            DecisionService.Request request, BucketBinding binding, String client, long ttlMs) {
        return decisions.acquire(request, binding).thenCompose(d -> record(d, binding.storeKey(), client, ttlMs));
    }

    private CompletionStage<Granted> record(Decision d, String storeKey, String client, long ttlMs) {
        if (!d.granted() || Boolean.TRUE.equals(d.shadowDenied())) {
            return CompletableFuture.completedFuture(new Granted(d, null, null));
        }
        CompletionStage<LeaseLedger.Opened> opened;
        try {
            opened = ledger.open(storeKey, client, d.tokens(), ttlMs);
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        return opened.thenApply(o -> new Granted(d, o.leaseId(), o.expiresAt())).exceptionally(e -> {
            // the tokens are taken either way; without a record they just cannot come back
            LOG.warn("could not record a lease of {} tokens on {}: {}", d.tokens(), d.key(), e.toString());
            return new Granted(d, null, null);
        });
    }

    /**
     * Ends {@code client}'s lease {@code leaseId} on the binding's bucket and credits back {@code min(tokens, leased)}.
     *
     * @return empty when there is no such live lease (unknown, expired, already released, of another bucket or of
     *         another client): nothing changed
     */
    public CompletionStage<Optional<Returned>> release(
            BucketBinding binding, String leaseId, String client, long tokens) {
        String storeKey = binding.storeKey();
        return ledger.release(storeKey, leaseId, client, tokens)
                .thenComposeAsync(
                        r -> {
                            if (!(r instanceof Lease.Returned returned)) {
                                return CompletableFuture.completedFuture(Optional.empty());
                            }
                            return store.credit(storeKey, Tokens.toNano(returned.tokens()), releaseIds.next())
                                    .thenApply(accepted -> Optional.of(
                                            new Returned(returned.tokens(), (double) accepted / Tokens.SCALE)));
                        },
                        offPartitionThreads);
    }
}
