package dev.tokenplane.transfer.exec;

import dev.tokenplane.transfer.Move;

/**
 * One transfer to carry out: a {@link Move} of a pool, under a transfer id.
 *
 * <p>The id makes every step idempotent (see {@link dev.tokenplane.store.BucketStore#debit(String, long, long, long)}):
 * the debit of the lender and the credit of the borrower use {@code id}, the refund to the lender uses
 * {@link #refundId()}, a different id because it lands on the bucket that was debited under {@code id}. Executing the
 * same request again therefore replays every step instead of repeating it.
 *
 * @param pool             the pool, whose breaker guards the transfer
 * @param id               the transfer id, at least 1 (see {@link TransferIds})
 * @param lender           the lender's key
 * @param borrower         the borrower's key
 * @param nanotokens       how much to move, at least 1
 * @param lenderFloorNanos the lender's reserve, which the debit leaves in place
 */
public record TransferRequest(
        String pool, long id, String lender, String borrower, long nanotokens, long lenderFloorNanos) {

    public TransferRequest {
        if (pool == null || pool.isEmpty()) {
            throw new IllegalArgumentException("pool is required");
        }
        if (id < 1) {
            throw new IllegalArgumentException("id must be >= 1, was " + id);
        }
        new Move(lender, borrower, nanotokens, lenderFloorNanos); // validates the rest
    }

    /** The request for {@code move} in {@code pool} under {@code id}. */
    public static TransferRequest of(String pool, long id, Move move) {
        return new TransferRequest(
                pool, id, move.lender(), move.borrower(), move.nanotokens(), move.lenderFloorNanos());
    }

    /** The id of the refund step: distinct from {@link #id()} and from every other request's ids. */
    public long refundId() {
        return -id;
    }
}
