package dev.tokenplane.transfer.pool;

import static dev.tokenplane.transfer.exec.StoreFixture.RATE;
import static dev.tokenplane.transfer.exec.StoreFixture.SPEC;
import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static dev.tokenplane.transfer.exec.StoreFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.Priority;
import dev.tokenplane.store.PriorityReserves;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.breaker.BreakerState;
import dev.tokenplane.transfer.exec.TransferResult;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class PoolTransfersTest {

    @AutoClose
    private final PoolHarness pool = new PoolHarness();

    private static TransferSettings settings(
            String region, boolean canBorrow, boolean canLend, double weight, double reserve) {
        return new TransferSettings("pool", region, canBorrow, canLend, weight, reserve);
    }

    @Test
    void shouldBorrowWithTheSettingsItIsGivenAndNeverLookUpTheBorrowersAgain() {
        // Given a pool whose borrowing window is due to roll, so the borrow recomputes the pool's spare
        pool.member("rich", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        pool.clock.advance(PoolTransfers.Settings.defaults().window().toMillis());
        pool.lookups.clear();

        // When the empty bucket borrows, settled and all
        BorrowResult r = pool.borrow("hungry", T);
        pool.timer.advance(1_000);

        // Then the borrower's settings came with the call: only the lender's were looked up
        assertThat(r.creditedNanos()).isPositive();
        assertThat(pool.lookups).doesNotContainKey("hungry").containsKey("rich");
    }

    @Test
    void shouldBorrowItsShortfallAndALittleAheadFromTheBestLender() {
        // Given two lenders, one with relatively more spare, and an empty borrower
        pool.member("rich", SPEC, 800);
        pool.member("poor", SPEC, 300);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());

        // When an acquire of 2 tokens finds it empty
        BorrowResult r = pool.borrow("hungry", 2 * T);

        // Then it borrows 4 times its shortfall from the richer lender
        assertThat(r).isInstanceOf(BorrowResult.Borrowed.class);
        assertThat(r.creditedNanos()).isEqualTo(8 * T);
        assertThat(((BorrowResult.Borrowed) r).transfers())
                .extracting(t -> t.request().lender())
                .containsExactly("rich");
        assertThat(pool.state("rich").tokens()).isEqualTo(792 * T);
        assertThat(pool.state("hungry").tokens()).isEqualTo(8 * T);
    }

    @Test
    void shouldRefuseALowPriorityBorrowThatWouldTakeTheReserveAndServeACriticalOneFromIt() {
        // Given a pool whose only spare is 100 tokens
        pool.member("rich", SPEC, 100);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        long before = pool.state("rich").tokens() + pool.state("hungry").tokens();

        // When a low request needs 90: the window's last 20 % is reserved for higher classes
        BorrowResult low = await(pool.transfers.borrow(
                "hungry", pool.settings.get("hungry"), 90 * T, 1_000 * T, Priority.LOW, PriorityReserves.DEFAULTS));
        // and a critical request on the same bucket needs 90 too
        BorrowResult critical = await(pool.transfers.borrow(
                "hungry",
                pool.settings.get("hungry"),
                90 * T,
                1_000 * T,
                Priority.CRITICAL,
                PriorityReserves.DEFAULTS));
        pool.timer.advance(1_000);

        // Then the low one is refused before any transfer, the critical one is served, and no token is created (the
        // two buckets hold what they held plus their own refill over the second the settlement took)
        assertThat(low).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.RESERVED_FOR_HIGHER_PRIORITY));
        assertThat(critical.creditedNanos()).isGreaterThanOrEqualTo(90 * T);
        assertThat(pool.state("rich").tokens() + pool.state("hungry").tokens())
                .isLessThanOrEqualTo(before + 2 * RATE * 1_000);
    }

    @Test
    void shouldRefuseABucketOutsideAnyPoolOrNotAllowedToBorrow() {
        pool.member("lender", SPEC, 800);
        pool.member("closed", SPEC, 0, settings("eu", false, true, 1, 0));
        pool.tick(Map.of());
        int calls = pool.store.stepCalls();

        assertThat(pool.borrow("closed", T)).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.NOT_ALLOWED));
        assertThat(pool.transfers
                        .borrow("stranger", null, T, 10 * T)
                        .toCompletableFuture()
                        .join())
                .isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.NOT_IN_POOL));
        assertThat(pool.store.stepCalls()).isEqualTo(calls);
    }

    @Test
    void shouldStopLendingAtOnceWhenAnOperatorSwitchesLendingOff() {
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());

        // When the operator sets canLend=false on the lender, between two ticks
        pool.settings.put("lender", settings("eu", true, false, 1, 0));

        // Then the very next borrow finds no spare and touches no bucket
        int calls = pool.store.stepCalls();
        assertThat(pool.borrow("hungry", T)).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.NO_SPARE));
        assertThat(pool.store.stepCalls()).isEqualTo(calls);
    }

    @Test
    void shouldKeepALendersReserveRaisedAtRunTime() {
        pool.member("lender", SPEC, 500);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        pool.settings.put("lender", settings("eu", true, true, 1, 0.497));

        BorrowResult r = pool.borrow("hungry", T);

        // Only 3 tokens lie above the new 497-token reserve: less than the 4 wanted, enough for the shortfall
        assertThat(r.creditedNanos()).isEqualTo(3 * T);
        assertThat(pool.state("lender").tokens()).isEqualTo(497 * T);
    }

    @Test
    void shouldRefuseABorrowLargerThanTheBucketCanHold() {
        pool.member("lender", SPEC, 800);
        // A leaky bucket holds one token at most (created here by taking 1 of 10 "held", which empties it)
        pool.member("leaky", new BucketSpec(10, RATE, Algorithm.LEAKY_BUCKET, 0, 0), 9);
        pool.tick(Map.of());

        assertThat(pool.transfers
                        .borrow("leaky", pool.settings.get("leaky"), 2 * T, T)
                        .toCompletableFuture()
                        .join())
                .isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.NO_ROOM));
    }

    @Test
    void shouldNotLetOneHammeredBucketTakeThePoolFromAnotherThatWantsToo() {
        // Given one lender with 600 spare, and two borrowers that both hammered the pool in the last window
        pool.member("lender", SPEC, 600);
        pool.member("a", SPEC, 0);
        pool.member("b", SPEC, 0);
        RebalanceReport last = pool.tick(Map.of("a", 900 * T, "b", 900 * T));
        assertThat(last.creditedNanos()).isEqualTo(600 * T);
        pool.consumeAll("a");
        pool.consumeAll("b");
        pool.store.credit("lender", 600 * T); // the lender has 600 to spare again
        pool.tick(Map.of());

        // When "a" alone hammers first in the new window
        long a = 0;
        while (pool.borrow("a", T).creditedNanos() > 0) {
            a += pool.state("a").tokens();
            pool.consumeAll("a");
        }

        // Then it stops at half, and "b", arriving late, still finds its half
        assertThat(a).isEqualTo(300 * T);
        assertThat(pool.borrow("b", T).creditedNanos()).isEqualTo(4 * T);
    }

    @Test
    void shouldTopUpNearEmptyBucketsUnderDemandOnTheTick() {
        pool.member("lender", SPEC, 900);
        pool.member("busy", SPEC, 10);
        pool.member("idle", SPEC, 10);
        pool.member("full-enough", SPEC, 500);

        RebalanceReport report = pool.tick(Map.of("busy", 200 * T, "full-enough", 200 * T));

        // Only the bucket that is both near empty and under demand is topped up, by its demand
        assertThat(report.plan().allocations()).extracting(a -> a.borrower()).containsExactly("busy");
        assertThat(report.creditedNanos()).isEqualTo(200 * T);
        assertThat(pool.state("busy").tokens()).isEqualTo(210 * T);
    }

    @Test
    void shouldAttemptNoTransferWhileTheBreakerIsOpenAndGiveTheReservationBack() {
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        pool.breakers.breaker("pool").transitionToOpenState();
        int calls = pool.store.stepCalls();

        BorrowResult r = pool.borrow("hungry", T);

        assertThat(r).isEqualTo(new BorrowResult.Refused(BorrowResult.Reason.BREAKER_OPEN));
        assertThat(pool.store.stepCalls()).isEqualTo(calls);
        PoolStats stats = pool.transfers.stats("pool").orElseThrow();
        assertThat(stats.breaker()).isEqualTo(BreakerState.OPEN);
        assertThat(stats.spareNanos()).isEqualTo(800 * T);
        assertThat(stats.transfers()).containsEntry("breaker_open", 1L);
        assertThat(stats.members())
                .allSatisfy(m -> assertThat(m.windowBorrowedNanos()).isZero());
    }

    @Test
    void shouldReportMembersSpareWeightsBreakerAndTokensLentAndBorrowed() {
        pool.member("lender", SPEC, 800, settings("eu", false, true, 2, 0.5));
        pool.member("hungry", SPEC, 0, settings("us", true, false, 3, 0.1));
        pool.tick(Map.of());
        pool.borrow("hungry", T);

        PoolStats stats = pool.transfers.stats("pool").orElseThrow();

        assertThat(stats.pool()).isEqualTo("pool");
        assertThat(stats.breaker()).isEqualTo(BreakerState.CLOSED);
        assertThat(stats.lentNanos()).isEqualTo(4 * T).isEqualTo(stats.borrowedNanos());
        assertThat(stats.spareNanos()).isEqualTo(296 * T);
        assertThat(stats.windowCapacityNanos()).isEqualTo(300 * T);
        assertThat(stats.transfers()).containsEntry("ok", 1L);
        assertThat(stats.members())
                .containsExactly(
                        new MemberStats("hungry", "us", 3, true, false, 0, 0, 100 * T, 4 * T, 0, 4 * T, null),
                        new MemberStats("lender", "eu", 2, false, true, 796 * T, 296 * T, 500 * T, 0, 4 * T, 0, null));
        assertThat(pool.transfers.pools()).containsExactly("pool");
        assertThat(pool.transfers.stats("unknown")).isEmpty();
    }

    @Test
    void shouldCountAFailedBorrowAndReleaseItsReservationOnceSettled() {
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        pool.store.lose("hungry");

        BorrowResult r = pool.borrow("hungry", T);

        assertThat(r).isInstanceOfSatisfying(BorrowResult.Borrowed.class, b -> {
            assertThat(b.creditedNanos()).isZero();
            assertThat(b.transfers()).allSatisfy(t -> assertThat(t).isInstanceOf(TransferResult.Failed.class));
        });
        pool.store.restore("hungry");
        pool.timer.advance(5);
        PoolStats stats = pool.transfers.stats("pool").orElseThrow();
        assertThat(stats.transfers()).containsEntry("failed", 1L);
        assertThat(stats.spareNanos()).isEqualTo(800 * T);
        assertThat(stats.borrowedNanos()).isZero();
        assertThat(pool.state("lender").tokens()).isEqualTo(800 * T + RATE * 5);
    }

    @Test
    void shouldLendOnlyThisMembersShareOfTheSpareWhenItIsNotTheCoordinator() {
        // Given a member of a cluster of 4 that refreshes its view instead of rebalancing
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        int calls = pool.store.stepCalls();
        pool.refresh(0.25);
        assertThat(pool.store.stepCalls()).as("a refresh moves no tokens").isEqualTo(calls);

        // When the hungry bucket borrows from this member for as long as it can
        long borrowed = 0;
        for (BorrowResult r = pool.borrow("hungry", T); r.creditedNanos() > 0; r = pool.borrow("hungry", T)) {
            borrowed += r.creditedNanos();
            pool.consumeAll("hungry");
        }

        // Then it got this member's quarter of the 800 spare, and no more
        assertThat(borrowed).isEqualTo(200 * T);
        assertThat(pool.transfers.stats("pool").orElseThrow().windowCapacityNanos())
                .isEqualTo(200 * T);
    }

    @Test
    void shouldTellTheObserverOfEveryAnswerAndSettlement() {
        pool.member("lender", SPEC, 800);
        pool.member("hungry", SPEC, 0);
        pool.tick(Map.of());
        pool.breakers.breaker("pool").transitionToOpenState();
        pool.borrow("hungry", T);
        pool.breakers.breaker("pool").transitionToClosedState();

        pool.borrow("hungry", T);

        assertThat(pool.observed)
                .containsExactly(
                        "answered pool breaker_open", "settled pool 0", "answered pool ok", "settled pool " + 4 * T);
    }
}
