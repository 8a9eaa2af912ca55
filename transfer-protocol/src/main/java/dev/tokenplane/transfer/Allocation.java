package dev.tokenplane.transfer;

/**
 * What one borrower gets in a plan.
 *
 * @param borrower        the borrower's key
 * @param demandNanos     what it asked for
 * @param guaranteedNanos its guaranteed fair share: {@code min(demand, floor(spare · w / W))}, with {@code W} the sum
 *                        of the weights of the borrowers that want something (see {@link FairShare})
 * @param allocatedNanos  what the plan gives it: at least the guaranteed share, at most its demand
 */
public record Allocation(String borrower, long demandNanos, long guaranteedNanos, long allocatedNanos) {}
