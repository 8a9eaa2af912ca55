package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class CounterRatesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldGiveTheDifferenceOfAGrowingCounter() {
        assertThat(CounterRates.increment(1_000, 4_500, CounterWidth.BITS_64)).isEqualTo(3_500);
        assertThat(CounterRates.increment(7, 7, CounterWidth.BITS_32)).isZero();
    }

    @Test
    void shouldCountAcrossA32BitWrap() {
        // Given a 32-bit counter 100 below its top, When it passes 2^32 and reaches 50
        long top = (1L << 32) - 100;
        // Then the increment is 100 to the wrap plus 50 after it
        assertThat(CounterRates.increment(top, 50, CounterWidth.BITS_32)).isEqualTo(150);
    }

    @Test
    void shouldCountAcrossA64BitWrapReadAsUnsigned() {
        // -10 as unsigned is 2^64 - 10; the counter wraps and reaches 5
        assertThat(CounterRates.increment(-10L, 5L, CounterWidth.BITS_64)).isEqualTo(15);
    }

    @Test
    void shouldTreatADropFromMidRangeAsAResetFromZero() {
        // An interface re-created: the counter restarts, 2_000 bytes were counted since
        assertThat(CounterRates.increment(9_000_000, 2_000, CounterWidth.BITS_64))
                .isEqualTo(2_000);
        assertThat(CounterRates.increment(1L << 31, 300, CounterWidth.BITS_32)).isEqualTo(300);
    }

    @Test
    void shouldSumOnlyDevicesPresentInBothReadings() {
        Map<String, Long> before = Map.of("eth0", 1_000L, "eth1", 500L, "gone", 42L);
        Map<String, Long> after = Map.of("eth0", 3_000L, "eth1", 100L, "new0", 9_999L);

        double sum = CounterRates.summedIncrement(before, after, CounterWidth.BITS_64);

        // eth0 grew by 2000, eth1 was reset (counts 100 since), gone and new0 have no increment yet
        assertThat(sum).isEqualTo(2_100.0);
    }

    @Test
    void shouldDivideByElapsedSeconds() {
        assertThat(CounterRates.perSecond(3_000, 2 * SECOND)).isEqualTo(1_500.0);
        assertThat(CounterRates.perSecond(1_000, SECOND / 4)).isCloseTo(4_000.0, within(1e-9));
    }

    @Test
    void shouldGiveZeroRateWhenNoTimeElapsed() {
        assertThat(CounterRates.perSecond(500, 0)).isZero();
        assertThat(CounterRates.perSecond(500, -5)).isZero();
    }

    @Property
    void incrementIsTheDifferenceWhenTheCounterGrows(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long start,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long grow) {
        assertThat(CounterRates.increment(start, start + grow, CounterWidth.BITS_64))
                .isEqualTo(grow);
    }

    @Property
    void incrementIsNeverNegativeAndNeverAbove32BitRange(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long prev,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long cur) {
        long increment = CounterRates.increment(prev, cur, CounterWidth.BITS_32);
        assertThat(increment).isBetween(0L, 0xFFFF_FFFFL);
    }
}
