package dev.tokenplane.transfer.pool;

import dev.tokenplane.transfer.exec.TransferResult;
import java.util.List;

/** The answer to {@link PoolTransfers#borrow}: what reached the bucket within the budget, or why nothing was tried. */
public sealed interface BorrowResult permits BorrowResult.Borrowed, BorrowResult.Refused {

    /** Nanotokens credited to the bucket within the budget; the caller retries its acquire when this is positive. */
    long creditedNanos();

    /** Transfers were attempted; {@code creditedNanos} reached the bucket (0 when they failed). */
    record Borrowed(long creditedNanos, List<TransferResult> transfers) implements BorrowResult {
        public Borrowed {
            transfers = List.copyOf(transfers);
        }
    }

    /** Nothing was attempted. */
    record Refused(Reason reason) implements BorrowResult {
        @Override
        public long creditedNanos() {
            return 0;
        }
    }

    /** Why a borrow was refused before any transfer. */
    enum Reason {
        /** The bucket's rule puts it in no pool. */
        NOT_IN_POOL,
        /** Its settings say {@code canBorrow=false}. */
        NOT_ALLOWED,
        /** It could not hold the shortfall even if it got it (a leaky bucket asked for more than one token). */
        NO_ROOM,
        /** The pool's borrow budget caps one borrow below the shortfall ({@link BorrowBudget#maxTokens()}). */
        OVER_BUDGET,
        /**
         * The sizing loop's borrow limit for the bucket ({@link MemberSnapshot#borrowLimitPerSecond()}) does not cover
         * the shortfall in this window: its server's load is at or above the point where growth stops, it shed for
         * pressure within the growth hold, or it borrowed the headroom a growth would take already.
         */
        SIZING_LIMIT,
        /** It has had its fair share of this window. */
        FAIR_SHARE_USED,
        /** Within its fair share, but what is left of the window is reserved for requests of higher priority. */
        RESERVED_FOR_HIGHER_PRIORITY,
        /** The pool's lenders do not have the shortfall to spare. */
        NO_SPARE,
        /** The pool's breaker is open. */
        BREAKER_OPEN,
        /** The bucket, or every lender the plan chose, has a transfer in doubt (see the executor). */
        IN_DOUBT
    }
}
