package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = Backoff.ofMillis(10, 500);

    @Test
    void shouldDoubleTheCeilingEachAttemptUpToTheMax() {
        assertThat(List.of(0, 1, 2, 3, 4, 5, 6, 10, 62, 1000).stream()
                        .map(backoff::ceilingMillis)
                        .toList())
                .containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 500L, 500L, 500L, 500L);
    }

    @Test
    void shouldDrawEveryDelayUniformlyBetweenZeroAndTheCeiling() {
        // Given many draws for attempt 3 (ceiling 80 ms)
        SplittableRandom random = new SplittableRandom(7);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long sum = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            long d = backoff.delayMillis(3, random);
            min = Math.min(min, d);
            max = Math.max(max, d);
            sum += d;
        }

        // Then they cover [0, 80] (full jitter: no floor) with a mean near 40
        assertThat(min).isZero();
        assertThat(max).isEqualTo(80);
        assertThat(sum / (double) n).isBetween(38.0, 42.0);
    }

    @Test
    void shouldReplayTheSameScheduleFromTheSameSeed() {
        List<Long> first = schedule(new Random(42));
        List<Long> second = schedule(new Random(42));
        List<Long> other = schedule(new Random(43));

        assertThat(first).isEqualTo(second).isNotEqualTo(other);
        for (int attempt = 0; attempt < first.size(); attempt++) {
            assertThat(first.get(attempt)).isBetween(0L, backoff.ceilingMillis(attempt));
        }
    }

    @Test
    void shouldRejectAMaxBelowTheBase() {
        assertThatThrownBy(() -> Backoff.ofMillis(100, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max >= base");
        assertThatThrownBy(() -> Backoff.ofMillis(0, 10)).hasMessageContaining(">= 1 ms");
        assertThatThrownBy(() -> backoff.ceilingMillis(-1)).hasMessageContaining("attempt");
    }

    private List<Long> schedule(Random random) {
        List<Long> delays = new ArrayList<>();
        for (int attempt = 0; attempt < 12; attempt++) {
            delays.add(backoff.delayMillis(attempt, random));
        }
        return delays;
    }
}
