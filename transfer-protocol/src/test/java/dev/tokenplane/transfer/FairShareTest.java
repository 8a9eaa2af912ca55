package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FairShareTest {

    @Test
    void shouldFillTheLevelRaisedByEachSatisfiedClaimant() {
        // Capacity 100 over demands 10, 20, 200, 200: 10 and 20 are met, the other two split 70
        long[] x = FairShare.waterFill(100, new long[] {10, 20, 200, 200}, new long[] {1, 1, 1, 1});

        assertThat(x).containsExactly(10, 20, 35, 35);
    }

    @Test
    void shouldRaiseTheLevelByWeight() {
        // Weights 1 and 3: the weight-1 claimant is met at 10, weight 3 takes the other 90
        long[] x = FairShare.waterFill(100, new long[] {10, 1_000}, new long[] {1, 3});

        assertThat(x).containsExactly(10, 90);
    }

    @Test
    void shouldStayExactWithAmountsNearTheLongRange() {
        long big = 4_000_000_000_000_000_000L;
        long[] x = FairShare.waterFill(Long.MAX_VALUE, new long[] {big, big, big}, new long[] {1_000_000, 1, 1});

        // The heavy claimant is met; the other two split the rest, the odd nanotoken going to the first
        assertThat(x[0]).isEqualTo(big);
        assertThat(x[1]).isEqualTo((Long.MAX_VALUE - big) / 2 + 1);
        assertThat(x[2]).isEqualTo((Long.MAX_VALUE - big) / 2);
    }

    @Test
    void shouldCompareProductsBeyondLongRange() {
        assertThat(FairShare.compareProducts(Long.MAX_VALUE, 3, Long.MAX_VALUE, 2))
                .isPositive();
        assertThat(FairShare.compareProducts(Long.MAX_VALUE, 2, 2, Long.MAX_VALUE))
                .isZero();
        assertThat(FairShare.mulDiv(Long.MAX_VALUE, 6, 7))
                .isEqualTo(Long.MAX_VALUE / 7 * 6 + (Long.MAX_VALUE % 7) * 6 / 7);
    }
}
