package dev.tokenplane.transfer.pool;

import dev.tokenplane.store.Tokens;
import java.time.Duration;

/**
 * How much one borrow on the decision path may take in a pool, set by operators at run time; a null field keeps the
 * member's setting ({@link PoolTransfers.Settings}). Validated here, once, with messages that name the field.
 *
 * <p>A bucket short by {@code shortfall} asks for {@code want = min(room, max(shortfall, shortfall · borrowAhead),
 * maxTokens)}. When {@code maxTokens} is below the shortfall the borrow is refused
 * ({@link BorrowResult.Reason#OVER_BUDGET}): a partial credit would not let the acquire through.
 *
 * @param borrowAhead how many times its shortfall a bucket borrows at once, in [1, 1000] (member default 4)
 * @param maxTokens   the most tokens one borrow may take, in (0, {@link Tokens#MAX_CAPACITY}] (default: no cap)
 * @param timeBudgetMs how long the decision path waits for one borrow of the pool, in milliseconds, in (0,
 *                     {@value #MAX_TIME_BUDGET_MS}] (default: the member's budget, 2 ms unless configured); see
 *                     {@link dev.tokenplane.transfer.exec.TransferExecutor}
 */
public record BorrowBudget(Double borrowAhead, Double maxTokens, Double timeBudgetMs) {

    /** The longest time budget a pool may set: 10 s. */
    public static final double MAX_TIME_BUDGET_MS = 10_000;

    /** Sets nothing: the member's settings, no cap. */
    public static final BorrowBudget NONE = new BorrowBudget(null, null, null);

    /** A budget that keeps the member's time budget. */
    public BorrowBudget(Double borrowAhead, Double maxTokens) {
        this(borrowAhead, maxTokens, null);
    }

    public BorrowBudget {
        if (borrowAhead != null && !(borrowAhead >= 1 && borrowAhead <= 1_000)) {
            throw new IllegalArgumentException("borrowAhead must be in [1, 1000], was " + borrowAhead);
        }
        if (maxTokens != null && !(maxTokens > 0 && maxTokens <= Tokens.MAX_CAPACITY)) {
            throw new IllegalArgumentException(
                    "maxTokens must be in (0, " + Tokens.MAX_CAPACITY + "], was " + maxTokens);
        }
        if (timeBudgetMs != null && !(timeBudgetMs > 0 && timeBudgetMs <= MAX_TIME_BUDGET_MS)) {
            throw new IllegalArgumentException(
                    "timeBudgetMs must be in (0, " + (long) MAX_TIME_BUDGET_MS + "], was " + timeBudgetMs);
        }
    }

    /** {@code timeBudgetMs} as a duration (at least 1 ns), or null when this budget keeps the member's. */
    public Duration timeBudget() {
        return timeBudgetMs == null ? null : Duration.ofNanos(Math.max(1, Math.round(timeBudgetMs * 1_000_000)));
    }

    /**
     * What a bucket short by {@code shortfallNanos}, with {@code roomNanos} of room, asks for (see the class comment).
     *
     * @param memberAhead the member's {@code borrowAhead}, used when this budget sets none
     */
    public long wantNanos(long shortfallNanos, long roomNanos, double memberAhead) {
        double ahead = borrowAhead != null ? borrowAhead : memberAhead;
        long want = Math.min(roomNanos, Math.max(shortfallNanos, (long)
                Math.min(Long.MAX_VALUE, Math.ceil(shortfallNanos * ahead))));
        return maxTokens == null ? want : Math.min(want, maxNanos());
    }

    /** {@code maxTokens} in nanotokens, at least 1; {@link Long#MAX_VALUE} without a cap. */
    public long maxNanos() {
        return maxTokens == null ? Long.MAX_VALUE : Math.max(1, (long) Math.floor(maxTokens * Tokens.SCALE));
    }
}
