package dev.tokenplane.transfer.exec;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

/**
 * What the caller of {@link TransferExecutor#execute} learns within the time budget. The transfer may go on after
 * that (a late credit, a refund); {@link #settlement()} completes when it is over.
 */
public sealed interface TransferResult permits TransferResult.Moved, TransferResult.Failed, TransferResult.BreakerOpen {

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
    record Moved(TransferRequest request, long debitedNanos, long creditedNanos,
                 CompletionStage<Settlement> settlement) implements TransferResult {
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

    /** The pool's breaker refused: the store was not touched. */
    record BreakerOpen(TransferRequest request, CompletionStage<Settlement> settlement) implements TransferResult {
        @Override
        public TransferOutcome outcome() {
            return TransferOutcome.BREAKER_OPEN;
        }

        @Override
        public long creditedNanos() {
            return 0;
        }
    }
}
