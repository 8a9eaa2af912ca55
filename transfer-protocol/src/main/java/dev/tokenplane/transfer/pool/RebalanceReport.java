package dev.tokenplane.transfer.pool;

import dev.tokenplane.transfer.TransferPlan;
import dev.tokenplane.transfer.exec.TransferResult;
import java.util.List;

/**
 * What one sizing tick did for a pool.
 *
 * @param pool    the pool
 * @param plan    the plan: the pool's spare, each borrower's allocation, the moves
 * @param results one per move, in the plan's order
 */
public record RebalanceReport(String pool, TransferPlan plan, List<TransferResult> results) {

    public RebalanceReport {
        results = List.copyOf(results);
    }

    /** Nanotokens that reached borrowers within the budget. */
    public long creditedNanos() {
        return results.stream().mapToLong(TransferResult::creditedNanos).sum();
    }
}
