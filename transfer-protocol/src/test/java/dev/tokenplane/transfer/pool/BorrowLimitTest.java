package dev.tokenplane.transfer.pool;

import static dev.tokenplane.transfer.exec.StoreFixture.SPEC;
import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The sizing loop's borrow limit in a bucket's snapshot caps what it borrows per window (one second here). */
class BorrowLimitTest {

    @AutoClose
    private final PoolHarness pool = new PoolHarness();

    private void lenderAndHungry(Double limitPerSecond) {
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        if (limitPerSecond != null) {
            pool.borrowLimits.put("hungry", limitPerSecond);
        }
        pool.tick(Map.of());
    }

    @Test
    void shouldBorrowNothingWhileTheLimitIsZeroAndTouchNoBucket() {
        // Given a bucket whose server is too loaded to grow, and a lender with plenty to spare
        lenderAndHungry(0.0);
        int calls = pool.store.stepCalls();

        // When an acquire finds it short, then or later in the window
        BorrowResult first = pool.borrow("hungry", T);
        pool.clock.advance(500);
        BorrowResult later = pool.borrow("hungry", T);

        // Then nothing is borrowed and no transfer is tried
        assertThat(first).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.SIZING_LIMIT));
        assertThat(later).isEqualTo(first);
        assertThat(pool.store.stepCalls()).isEqualTo(calls);
        assertThat(borrowed("hungry")).isZero();
    }

    @Test
    void shouldBorrowAtMostTheLimitTimesTheWindowThenWaitForTheNextWindow() {
        // Given a limit of 6 tokens/s and a window of 1 s
        lenderAndHungry(6.0);

        // When acquires of 1 token each find it empty (borrowing 4 ahead would take 4 each time)
        BorrowResult first = pool.borrow("hungry", T);
        pool.consumeAll("hungry");
        BorrowResult second = pool.borrow("hungry", T);
        pool.consumeAll("hungry");
        BorrowResult third = pool.borrow("hungry", T);

        // Then the window's 6 tokens are borrowed (4, then the 2 left) and the third is refused
        assertThat(first.creditedNanos()).isEqualTo(4 * T);
        assertThat(second.creditedNanos()).isEqualTo(2 * T);
        assertThat(third).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.SIZING_LIMIT));
        assertThat(borrowed("hungry")).isEqualTo(6 * T);

        // And the next window allows as much again
        pool.clock.advance(PoolTransfers.Settings.defaults().window().toMillis());
        assertThat(pool.borrow("hungry", T).creditedNanos()).isEqualTo(4 * T);
    }

    @Test
    void shouldBorrowAsBeforeWithoutALimit() {
        lenderAndHungry(Double.POSITIVE_INFINITY);

        assertThat(pool.borrow("hungry", 2 * T).creditedNanos()).isEqualTo(8 * T);
    }

    @Test
    void shouldTopUpOnTheTickNoMoreThanTheLimitAllows() {
        // Given an empty bucket under demand of 300 tokens, limited to 5 tokens/s, and another without a limit
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.member("free", SPEC, 0);
        pool.borrowLimits.put("hungry", 5.0);
        pool.tick(Map.of());

        // When the tick tops up the near-empty buckets
        pool.tick(Map.of("hungry", 300 * T, "free", 300 * T));
        pool.timer.advance(1_000);

        // Then the limited one gets 5 tokens, the other all it asked for
        assertThat(borrowed("hungry")).isEqualTo(5 * T);
        assertThat(borrowed("free")).isEqualTo(300 * T);
    }

    /** What {@code key} has borrowed in all, by the pool's figures. */
    private long borrowed(String key) {
        return pool.transfers.stats("pool").orElseThrow().members().stream()
                .filter(m -> m.key().equals(key))
                .mapToLong(MemberStats::borrowedNanos)
                .sum();
    }
}
