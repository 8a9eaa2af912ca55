package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.store.Priority;
import dev.tokenplane.store.Tokens;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransferPlannerTest {

    private static final long T = Tokens.SCALE;
    private final TransferPlanner planner = new TransferPlanner();

    private static Borrower borrower(String key, long demandTokens, long weight) {
        return new Borrower(key, demandTokens * T, weight, "eu", true, 1);
    }

    /** A lender of {@code capacity} tokens holding {@code tokens}, keeping no reserve. */
    private static Lender lender(String key, long tokens, long capacity, String region) {
        return new Lender(key, tokens * T, capacity, 0, region, true);
    }

    @Test
    void shouldSplitContendedSpareEquallyBetweenEqualWeights() {
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 100, 1), borrower("b", 100, 1), borrower("c", 100, 1)),
                List.of(lender("l", 90, 100, "eu")));

        assertThat(plan.spareNanos()).isEqualTo(90 * T);
        assertThat(plan.allocations()).extracting(Allocation::allocatedNanos).containsExactly(30 * T, 30 * T, 30 * T);
        assertThat(plan.totalNanos()).isEqualTo(90 * T);
    }

    @Test
    void shouldGiveWhatTheModestLeaveToThoseThatWantMore() {
        // Given a borrower that wants less than a third of the spare
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 10, 1), borrower("b", 100, 1), borrower("c", 100, 1)),
                List.of(lender("l", 90, 100, "eu")));

        // Then it is satisfied, and the other two split the rest
        assertThat(plan.allocations())
                .extracting(Allocation::borrower, Allocation::allocatedNanos)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", 10 * T),
                        org.assertj.core.groups.Tuple.tuple("b", 40 * T),
                        org.assertj.core.groups.Tuple.tuple("c", 40 * T));
        assertThat(plan.allocations()).extracting(Allocation::guaranteedNanos).containsOnly(10 * T, 30 * T);
    }

    @Test
    void shouldDivideContendedSpareByWeight() {
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 1_000, 1), borrower("b", 1_000, 2), borrower("c", 1_000, 4)),
                List.of(lender("l", 70, 100, "eu")));

        assertThat(plan.creditedTo("a")).isEqualTo(10 * T);
        assertThat(plan.creditedTo("b")).isEqualTo(20 * T);
        assertThat(plan.creditedTo("c")).isEqualTo(40 * T);
    }

    @Test
    void shouldGiveEveryoneTheirDemandWhenTheSpareCoversIt() {
        TransferPlan plan =
                planner.plan(List.of(borrower("a", 5, 1), borrower("b", 7, 3)), List.of(lender("l", 100, 100, "eu")));

        assertThat(plan.creditedTo("a")).isEqualTo(5 * T);
        assertThat(plan.creditedTo("b")).isEqualTo(7 * T);
    }

    @Test
    void shouldNeverTakeALenderBelowItsReserve() {
        // Given a lender of capacity 10 holding 10 tokens, keeping 30%
        Lender l = new Lender("l", 10 * T, 10, 0.3, "eu", true);

        TransferPlan plan = planner.plan(List.of(borrower("a", 100, 1)), List.of(l));

        assertThat(l.reserveNanos()).isEqualTo(3 * T);
        assertThat(plan.moves()).containsExactly(new Move("l", "a", 7 * T, 3 * T));
    }

    @Test
    void shouldPreferLendersOfTheBorrowersRegion() {
        // Given a foreign lender with relatively more spare than the local one
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 15, 1)), List.of(lender("far", 100, 100, "us"), lender("near", 10, 100, "eu")));

        // Then the local lender is drained first, and only the rest comes from abroad
        assertThat(plan.moves()).containsExactly(new Move("near", "a", 10 * T, 0), new Move("far", "a", 5 * T, 0));
    }

    @Test
    void shouldServeHigherClassesFirstWithoutChangingTheShares() {
        // Given a low borrower under more pressure than a critical one, and a near lender that covers only one
        Borrower low = new Borrower("a", 10 * T, 1, "eu", true, 1).withPriority(Priority.LOW);
        Borrower critical = new Borrower("b", 10 * T, 1, "eu", true, 0.5).withPriority(Priority.CRITICAL);
        TransferPlan plan = planner.plan(
                List.of(low, critical), List.of(lender("near", 10, 100, "eu"), lender("far", 10, 100, "us")));

        // Then the critical one draws from the near lender first; each still gets its equal share
        assertThat(plan.moves()).containsExactly(new Move("near", "b", 10 * T, 0), new Move("far", "a", 10 * T, 0));
        assertThat(plan.allocations()).extracting(Allocation::allocatedNanos).containsOnly(10 * T);
    }

    @Test
    void shouldPreferLendersWithMostSpareRelativeToCapacity() {
        // 30 of 40 (75%) beats 50 of 100 (50%)
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 40, 1)), List.of(lender("big", 50, 100, "eu"), lender("small", 30, 40, "eu")));

        assertThat(plan.moves()).containsExactly(new Move("small", "a", 30 * T, 0), new Move("big", "a", 10 * T, 0));
    }

    @Test
    void shouldNeverCreditABucketThatMayNotBorrow() {
        Borrower refused = new Borrower("no", 50 * T, 1, "eu", false, 1);

        TransferPlan plan = planner.plan(List.of(refused, borrower("yes", 50, 1)), List.of(lender("l", 60, 100, "eu")));

        assertThat(plan.moves()).extracting(Move::borrower).containsOnly("yes");
        assertThat(plan.creditedTo("yes")).isEqualTo(50 * T);
    }

    @Test
    void shouldNotLendFromABucketThatMayNotLend() {
        Lender closed = new Lender("closed", 100 * T, 100, 0, "eu", false);

        TransferPlan plan = planner.plan(List.of(borrower("a", 10, 1)), List.of(closed));

        assertThat(plan.isEmpty()).isTrue();
        assertThat(plan.spareNanos()).isZero();
    }

    @Test
    void shouldNotLetABorrowerLendInTheSameWindow() {
        TransferPlan plan = planner.plan(
                List.of(borrower("a", 10, 1)), List.of(lender("a", 100, 100, "eu"), lender("l", 4, 100, "eu")));

        assertThat(plan.moves()).containsExactly(new Move("l", "a", 4 * T, 0));
    }

    @Test
    void shouldGiveTheOddNanotokensToTheHighestPressureFirst() {
        List<Borrower> borrowers = List.of(
                new Borrower("low", 100, 1, "eu", true, 0.1),
                new Borrower("high", 100, 1, "eu", true, 0.9),
                new Borrower("mid", 100, 1, "eu", true, 0.5));

        TransferPlan plan = planner.plan(borrowers, List.of(new Lender("l", 11, 1, 0, "eu", true)));

        assertThat(plan.allocations()).extracting(Allocation::borrower).containsExactly("high", "mid", "low");
        assertThat(plan.allocations()).extracting(Allocation::allocatedNanos).containsExactly(4L, 4L, 3L);
    }

    @Test
    void shouldMoveNothingWithoutSpareOrDemand() {
        assertThat(planner.plan(List.of(borrower("a", 10, 1)), List.of(lender("l", 0, 10, "eu")))
                        .isEmpty())
                .isTrue();
        assertThat(planner.plan(List.of(borrower("a", 0, 1)), List.of(lender("l", 10, 10, "eu")))
                        .isEmpty())
                .isTrue();
        assertThat(planner.plan(List.of(), List.of()).isEmpty()).isTrue();
    }

    @Test
    void shouldRejectDuplicateKeysNamingTheList() {
        assertThatThrownBy(() -> planner.plan(List.of(borrower("a", 1, 1), borrower("a", 2, 1)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("borrowers");
    }

    @Test
    void shouldRejectOutOfRangeInputNamingTheField() {
        assertThatThrownBy(() -> new Borrower("a", -1, 1, "", true, 0)).hasMessageContaining("demandNanos");
        assertThatThrownBy(() -> new Borrower("a", 1, 0, "", true, 0)).hasMessageContaining("weight");
        assertThatThrownBy(() -> new Borrower("a", 1, 1, "", true, 1.5)).hasMessageContaining("pressure");
        assertThatThrownBy(() -> new Lender("l", 1, 1, 1.5, "", true)).hasMessageContaining("reserveFraction");
        assertThatThrownBy(() -> new Lender("l", 1, 0, 0, "", true)).hasMessageContaining("capacity");
    }

    @Test
    void shouldRateBorrowersNearerEmptyAsUnderMorePressure() {
        assertThat(Borrower.pressureOf(0, 10)).isEqualTo(1.0);
        assertThat(Borrower.pressureOf(10, 10)).isEqualTo(0.5);
        assertThat(Borrower.pressureOf(-5, 10)).isEqualTo(1.0);
        assertThat(Borrower.pressureOf(10, 0)).isZero();
    }
}
