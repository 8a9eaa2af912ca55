package dev.tokenplane.transfer.exec;

/**
 * Where a transfer's tokens ended up once all its steps, refunds included, have finished. Always
 * {@code credited + refunded <= debited}: a transfer never creates tokens.
 *
 * @param debitedNanos  taken from the lender
 * @param creditedNanos given to the borrower
 * @param refundedNanos given back to the lender
 * @param resolved      false when a step never answered within the retries, so the figures are what is known: the
 *                      tokens in doubt are missing from the pool, never added to it
 */
public record Settlement(long debitedNanos, long creditedNanos, long refundedNanos, boolean resolved) {

    /** The settlement of a transfer that never touched the store. */
    public static final Settlement NOTHING = new Settlement(0, 0, 0, true);

    public Settlement {
        if (creditedNanos < 0 || refundedNanos < 0 || creditedNanos + refundedNanos > debitedNanos) {
            throw new IllegalStateException("a settlement cannot create tokens: debited " + debitedNanos + ", credited "
                    + creditedNanos + ", refunded " + refundedNanos);
        }
    }

    /**
     * Debited but neither credited nor refunded: a refund the lender had no room for (it refilled to capacity in the
     * meantime, so the tokens would have overflowed anyway), or tokens in doubt when unresolved.
     */
    public long lostNanos() {
        return debitedNanos - creditedNanos - refundedNanos;
    }
}
