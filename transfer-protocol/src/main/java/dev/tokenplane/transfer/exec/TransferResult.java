package dev.tokenplane.transfer.exec;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * What the caller of {@link TransferExecutor#execute} learns within the time budget. The transfer may go on after
 * that (a late credit, a refund); {@link #settlement()} completes when it is over.
 */
public sealed interface TransferResult
        permits TransferResult.Moved, TransferResult.Failed, TransferResult.NotAttempted {

    TransferRequest request();

    TransferOutcome outcome();

    /** Nanotokens the borrower is known to have received when the result was given. */
    long creditedNanos();

    /**
     * Completes once every step, refunds included, has finished; exceptionally only if the store broke its contract
     * (answered more than it was asked to move).
     */
    CompletionStage<Settlement> settlement();

    /**
     * Both steps answered: {@code debitedNanos} left the lender, {@code creditedNanos} reached the borrower, and the
     * difference is being refunded.
     */
    record Moved(TransferRequest request, long debitedNanos, long creditedNanos, CompletionStage<Settlement> settlement)
            implements TransferResult {
        @Override
        public TransferOutcome outcome() {
            if (creditedNanos == request.nanotokens()) {
                return TransferOutcome.OK;
            }
            return creditedNanos > 0 ? TransferOutcome.PARTIAL : TransferOutcome.REJECTED;
        }
    }

    /**
     * A step failed, or the budget ran out first ({@link #timedOut()}). The caller counts on nothing; in the
     * background the executor learns what the uncertain step did and refunds the lender accordingly.
     */
    record Failed(TransferRequest request, Throwable cause, CompletionStage<Settlement> settlement)
            implements TransferResult {
        @Override
        public TransferOutcome outcome() {
            return TransferOutcome.FAILED;
        }

        @Override
        public long creditedNanos() {
            return 0;
        }

        public boolean timedOut() {
            return cause instanceof TimeoutException;
        }
    }

    /** Why a transfer was not attempted. */
    enum Reason {
        /** The pool's breaker is open. */
        BREAKER_OPEN,
        /**
         * The lender or the borrower has a step of an earlier transfer in doubt, or so many transfers since the oldest
         * one that has not settled that one more could push that one's step out of the bucket's transfer log before a
         * fence reads it (see the executor's "buckets in doubt").
         */
        BUCKET_IN_DOUBT,
        /** Another request under the same id was executed recently (ids must not repeat). */
        DUPLICATE_ID
    }

    /** Refused before the store was touched. */
    record NotAttempted(TransferRequest request, Reason reason, CompletionStage<Settlement> settlement)
            implements TransferResult {
        @Override
        public TransferOutcome outcome() {
            return reason == Reason.BREAKER_OPEN ? TransferOutcome.BREAKER_OPEN : TransferOutcome.REJECTED;
        }

        @Override
        public long creditedNanos() {
            return 0;
        }
    }
}
