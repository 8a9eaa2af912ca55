package dev.tokenplane.bms.transfer;

import dev.tokenplane.bms.decide.BucketBinding;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.PriorityReserves;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.pool.BorrowResult;
import dev.tokenplane.transfer.pool.PoolTransfers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The decision path's {@link Borrower}: a denied acquire of {@code n} tokens on a bucket holding {@code r} whole
 * tokens (of a burst {@code b}: its capacity, or one token for a leaky bucket) asks its pool for
 * <pre>
 *   shortfall = n · SCALE + floor − r · SCALE      room = b · SCALE − r · SCALE
 * </pre>
 * where {@code floor} is what the request's class must leave in the bucket ({@link BucketMath#reserveFloor}; 0 for a
 * critical request), through {@link PoolTransfers#borrow}, with the transfer settings and priority reserves the
 * decision resolved (nothing is looked up again): higher classes are served first within the fair share. It answers
 * within its time budget and never fails. The decision retries once when something was credited.
 *
 * <p>The decision calls it on the thread that completed the denial, a Hazelcast partition thread when this member
 * owns the bucket; the borrow starts on {@code steps} instead, since its transfers touch other partitions.
 *
 * <p>Thread-safe, non-blocking.
 */
final class PoolBorrower implements Borrower {

    private final PoolTransfers transfers;
    private final Executor steps;

    PoolBorrower(PoolTransfers transfers, Executor steps) {
        this.transfers = transfers;
        this.steps = steps;
    }

    @Override
    public CompletionStage<Long> borrow(Request request) {
        BucketBinding bucket = request.bucket();
        if (bucket.pooled() == null) {
            return CompletableFuture.completedFuture(0L);
        }
        AcquireResult.Denied denied = request.denied();
        long held = Tokens.toNano(denied.remaining());
        long burst =
                bucket.rule().algorithm() == Algorithm.LEAKY_BUCKET ? Tokens.SCALE : Tokens.toNano(denied.capacity());
        PriorityReserves reserves = bucket.rule().reserves();
        long floor = BucketMath.reserveFloor(
                denied.capacity(), burst, request.tokens(), reserves.reservePpm(request.priority()));
        long shortfall = Math.max(1, Tokens.toNano(request.tokens()) + floor - held);
        long room = Math.max(0, burst - held);
        return CompletableFuture.supplyAsync(
                        () -> transfers.borrow(
                                bucket.storeKey(), bucket.pooled(), shortfall, room, request.priority(), reserves),
                        steps)
                .thenCompose(borrowed -> borrowed)
                .thenApply(PoolBorrower::wholeTokens);
    }

    /**
     * Whole tokens credited, at least 1 when anything was: a credit of a fraction of a token may complete what the
     * bucket held (its remaining count is rounded down), so the decision must retry.
     */
    static long wholeTokens(BorrowResult result) {
        long credited = result.creditedNanos();
        return credited <= 0 ? 0 : Math.max(1, credited / Tokens.SCALE);
    }
}
