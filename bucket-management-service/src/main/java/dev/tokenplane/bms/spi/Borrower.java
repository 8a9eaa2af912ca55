package dev.tokenplane.bms.spi;

import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Priority;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The seam for the transfer protocol in the decision path: called when a bucket that may borrow
 * ({@code transfer.canBorrow}) is denied, before the denial is answered. An implementation credits tokens to the
 * bucket from lenders in its pool (debit first, credit second, never creating tokens) within its own time budget, and
 * answers how many whole tokens it credited. The decision then retries once; the response's {@code borrowed} reports
 * the tokens that the transfer supplied to the grant.
 *
 * <p>Implementations must not block the calling thread (an event loop) and must never fail the stage for an ordinary
 * shortfall: answer 0.
 */
@FunctionalInterface
public interface Borrower {

    /** No transfer protocol: never borrows. */
    Borrower NONE = request -> CompletableFuture.completedFuture(0L);

    /**
     * @return whole tokens credited to the bucket, 0 when none
     */
    CompletionStage<Long> borrow(Request request);

    /**
     * A denied request that may borrow.
     *
     * @param bucket what serves the denied bucket, as the decision resolved it: its store key, rule and the transfer
     *               settings in force ({@link BucketBinding#pooled()}); the borrower resolves nothing again
     * @param tokens tokens the request wanted
     * @param denied   the denial: the bucket's remaining tokens, capacity and the time until it would refill
     * @param priority the class of the request that was denied: when borrowers compete for a pool's spare, higher
     *                 classes are served first within their fair share
     */
    record Request(BucketBinding bucket, long tokens, AcquireResult.Denied denied, Priority priority) {

        /** A request of the default class. */
        public Request(BucketBinding bucket, long tokens, AcquireResult.Denied denied) {
            this(bucket, tokens, denied, Priority.DEFAULT);
        }
    }
}
