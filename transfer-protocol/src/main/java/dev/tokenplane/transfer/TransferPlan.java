package dev.tokenplane.transfer;

import java.util.List;

/**
 * The outcome of {@link TransferPlanner#plan}: how the pool's spare is divided, and the moves that carry it out.
 *
 * <p>Conserving by construction: for every borrower the moves into it add up to its allocation, and for every lender
 * the moves out of it add up to at most its spare.
 *
 * @param spareNanos  the pool's spare: the sum over the eligible lenders of {@link Lender#spareNanos()}
 * @param allocations one per eligible borrower, in service order (highest pressure first)
 * @param moves       in service order of the borrowers, then in order of lender preference
 */
public record TransferPlan(long spareNanos, List<Allocation> allocations, List<Move> moves) {

    public TransferPlan {
        allocations = List.copyOf(allocations);
        moves = List.copyOf(moves);
    }

    /** A plan that moves nothing. */
    public static TransferPlan empty(long spareNanos) {
        return new TransferPlan(spareNanos, List.of(), List.of());
    }

    /** Nanotokens the plan moves in all. */
    public long totalNanos() {
        long total = 0;
        for (Move m : moves) {
            total += m.nanotokens();
        }
        return total;
    }

    /** Nanotokens the plan moves into {@code borrower}. */
    public long creditedTo(String borrower) {
        return moves.stream()
                .filter(m -> m.borrower().equals(borrower))
                .mapToLong(Move::nanotokens)
                .sum();
    }

    /** Nanotokens the plan takes from {@code lender}. */
    public long debitedFrom(String lender) {
        return moves.stream()
                .filter(m -> m.lender().equals(lender))
                .mapToLong(Move::nanotokens)
                .sum();
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }
}
