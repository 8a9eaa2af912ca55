package dev.tokenplane.transfer.pool;

import dev.tokenplane.transfer.breaker.BreakerState;
import java.util.List;
import java.util.Map;

/**
 * A pool as {@code GET /v1/pools/{pool}} shows it. Token figures are nanotokens; counts are since this member started
 * (in a cluster, each member reports the transfers it carried out).
 *
 * @param pool                the pool
 * @param breaker             its breaker's state
 * @param spareNanos          what its lenders may lend now, by the last sizing tick's figures
 * @param windowCapacityNanos what the current window divides among borrowers
 * @param windowStartedAt     when the current window opened, epoch millis
 * @param lentNanos           lent in all (equal to borrowed: transfers conserve tokens)
 * @param borrowedNanos       borrowed in all
 * @param transfers           transfers by outcome label ({@code ok}, {@code partial}, {@code failed}, ...)
 * @param members             the buckets seen in the pool, by key
 */
public record PoolStats(
        String pool,
        BreakerState breaker,
        long spareNanos,
        long windowCapacityNanos,
        long windowStartedAt,
        long lentNanos,
        long borrowedNanos,
        Map<String, Long> transfers,
        List<MemberStats> members) {

    public PoolStats {
        transfers = Map.copyOf(transfers);
        members = List.copyOf(members);
    }
}
