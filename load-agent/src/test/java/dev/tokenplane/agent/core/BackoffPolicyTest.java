package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {

    private final BackoffPolicy policy = new BackoffPolicy(500, 30_000);

    @Test
    void shouldDoubleTheCeilingWithEachAttemptUntilTheCap() {
        List<Long> ceilings = new ArrayList<>();
        for (int attempt = 0; attempt < 9; attempt++) {
            ceilings.add(policy.ceilingMillis(attempt));
        }

        assertThat(ceilings).containsExactly(500L, 1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L);
    }

    @Test
    void shouldNotOverflowForVeryLargeAttempts() {
        assertThat(policy.ceilingMillis(62)).isEqualTo(30_000);
        assertThat(policy.ceilingMillis(63)).isEqualTo(30_000);
        assertThat(policy.ceilingMillis(Integer.MAX_VALUE)).isEqualTo(30_000);
        assertThat(new BackoffPolicy(3, Long.MAX_VALUE).ceilingMillis(61)).isEqualTo(3L << 61);
        assertThat(new BackoffPolicy(3, Long.MAX_VALUE).ceilingMillis(62)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRepeatTheSameScheduleForTheSameSeed() {
        List<Long> first = schedule(new SplittableRandom(42));
        List<Long> second = schedule(new SplittableRandom(42));

        assertThat(first).isEqualTo(second);
        assertThat(schedule(new SplittableRandom(43))).isNotEqualTo(first);
    }

    @Test
    void shouldSpreadJitterOverTheWholeRange() {
        // Full jitter: uniform in [0, ceiling], so both the low and the high tenth are hit and the mean is near half
        SplittableRandom random = new SplittableRandom(7);
        long ceiling = policy.ceilingMillis(4);
        long low = 0;
        long high = 0;
        double sum = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            long delay = policy.delayMillis(4, random);
            assertThat(delay).isBetween(0L, ceiling);
            low += delay < ceiling / 10 ? 1 : 0;
            high += delay > ceiling - ceiling / 10 ? 1 : 0;
            sum += delay;
        }

        assertThat(low).isGreaterThan(draws / 20);
        assertThat(high).isGreaterThan(draws / 20);
        assertThat(sum / draws).isBetween(ceiling * 0.45, ceiling * 0.55);
    }

    @Test
    void shouldRejectABaseOverTheCap() {
        assertThatThrownBy(() -> new BackoffPolicy(1_000, 999)).hasMessageContaining("maxMillis");
        assertThatThrownBy(() -> new BackoffPolicy(0, 999)).hasMessageContaining("baseMillis");
    }

    @Property
    void jitterStaysWithinZeroAndTheCeiling(
            @ForAll @LongRange(min = 1, max = 60_000) long base,
            @ForAll @IntRange(min = 0, max = 100) int attempt,
            @ForAll long seed) {
        BackoffPolicy p = new BackoffPolicy(base, base * 64);
        long delay = p.delayMillis(attempt, new SplittableRandom(seed));

        assertThat(delay).isBetween(0L, p.ceilingMillis(attempt));
        assertThat(p.ceilingMillis(attempt)).isLessThanOrEqualTo(base * 64);
    }

    @Property
    void ceilingNeverShrinksAsAttemptsGrow(
            @ForAll @LongRange(min = 1, max = 1_000_000) long base, @ForAll @IntRange(min = 0, max = 200) int attempt) {
        BackoffPolicy p = new BackoffPolicy(base, base * 1_000);

        assertThat(p.ceilingMillis(attempt + 1)).isGreaterThanOrEqualTo(p.ceilingMillis(attempt));
    }

    private List<Long> schedule(SplittableRandom random) {
        List<Long> delays = new ArrayList<>();
        for (int attempt = 0; attempt < 10; attempt++) {
            delays.add(policy.delayMillis(attempt, random));
        }
        return delays;
    }
}
