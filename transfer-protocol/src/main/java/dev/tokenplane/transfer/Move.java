package dev.tokenplane.transfer;

/**
 * One step of a plan: move {@code nanotokens} from {@code lender} to {@code borrower}, taking from the lender only
 * what lies above {@code lenderFloorNanos}.
 *
 * @param lender           the lender's key
 * @param borrower         the borrower's key, never the lender's
 * @param nanotokens       how much, at least 1
 * @param lenderFloorNanos the lender's reserve; the debit leaves at least this much
 */
public record Move(String lender, String borrower, long nanotokens, long lenderFloorNanos) {
    public Move {
        Lender.requireKey(lender);
        Lender.requireKey(borrower);
        if (lender.equals(borrower)) {
            throw new IllegalArgumentException("a bucket cannot lend to itself: " + lender);
        }
        if (nanotokens < 1) {
            throw new IllegalArgumentException("nanotokens must be >= 1, was " + nanotokens);
        }
        if (lenderFloorNanos < 0) {
            throw new IllegalArgumentException("lenderFloorNanos must be >= 0, was " + lenderFloorNanos);
        }
    }
}
