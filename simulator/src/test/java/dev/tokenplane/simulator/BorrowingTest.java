package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One window of the pool's transfers on hand-made buckets (capacity 100, reserve 0.1 = 10 tokens). */
class BorrowingTest {

    private static Borrowing.Account account(String key, String region, double tokens, double arrivals) {
        return new Borrowing.Account(key, region, 100, tokens, arrivals, Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldBorrowFromTheSameRegionFirst() {
        // eu-a holds 2 and 12 arrive: short 10. eu-b can spare 50 - 10 = 40; us-a 90 - 10 = 80, relatively more
        List<Borrowing.Account> pool =
                List.of(account("eu-a", "eu", 2, 12), account("eu-b", "eu", 50, 0), account("us-a", "us", 90, 0));

        double[] after = Borrowing.transfer(pool);

        assertThat(after).containsExactly(new double[] {12, 40, 90}, within(1e-9));
    }

    @Test
    void shouldCrossRegionsOnlyForWhatTheRegionCannotLend() {
        // eu-b can spare only 14 - 10 = 4 of the 10 eu-a lacks: the other 6 come from us-a
        List<Borrowing.Account> pool =
                List.of(account("eu-a", "eu", 2, 12), account("eu-b", "eu", 14, 0), account("us-a", "us", 90, 0));

        double[] after = Borrowing.transfer(pool);

        assertThat(after).containsExactly(new double[] {12, 10, 84}, within(1e-9));
        assertThat(Arrays.stream(after).sum()).isCloseTo(106, within(1e-9)); // nothing created
    }

    @Test
    void shouldNotLetABucketBorrowBeyondWhatItCanHoldNorLendWhileShort() {
        // eu-a wants 300 but holds at most 100: it asks for 100 - 5 = 95, and the pool has 80 + 60 = 140 to spare
        // eu-b is short of its own arrivals and may not borrow: it neither borrows nor lends
        List<Borrowing.Account> pool = List.of(
                account("eu-a", "eu", 5, 300),
                new Borrowing.Account("eu-b", "eu", 100, 30, 40, 0),
                account("us-a", "us", 90, 0),
                account("ap-a", "ap", 70, 0));

        double[] after = Borrowing.transfer(pool);

        assertThat(after[0]).isCloseTo(100, within(1e-9));
        assertThat(after[1]).isCloseTo(30, within(1e-9));
        assertThat(after[2] + after[3]).isCloseTo(160 - 95, within(1e-9));
        assertThat(Arrays.stream(after).sum()).isCloseTo(195, within(1e-9));
    }

    @Test
    void shouldBorrowNoMoreThanTheBucketMayStill() {
        // eu-a is short 10 but may borrow only 3 more in this window
        List<Borrowing.Account> pool =
                List.of(new Borrowing.Account("eu-a", "eu", 100, 2, 12, 3), account("us-a", "us", 90, 0));

        assertThat(Borrowing.transfer(pool)).containsExactly(new double[] {5, 87}, within(1e-9));
    }
}
