package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {
    private final Backoff backoff = Backoff.ofMillis(10, 1000);

    @Test
    void shouldBackOffBeforeEveryRetryOfASingleUrl() {
        Random random = new Random(1);
        Random replay = new Random(1);

        for (int failed = 0; failed < 6; failed++) {
            RetrySchedule.Step step = RetrySchedule.next(failed, 0, 1, backoff, random);

            assertThat(step.endpoint()).isZero();
            assertThat(step.delayMs()).isEqualTo(backoff.delayMillis(failed, replay));
        }
    }

    @Test
    void shouldJitterBeforeEveryFailoverWithACeilingThatGrowsEachRound() {
        // Given three BMS URLs and a first attempt on the second one
        Random random = new Random(5);
        Random replay = new Random(5);
        List<RetrySchedule.Step> steps = new ArrayList<>();
        int on = 1;
        for (int failed = 0; failed < 7; failed++) {
            RetrySchedule.Step step = RetrySchedule.next(failed, on, 3, backoff, random);
            steps.add(step);
            on = step.endpoint();
        }

        // Then the URLs go round in order, and every retry waits a full-jitter delay, also inside a round: the
        // ceiling is 10 ms for the retries of the first round, 20 ms for the second, 40 ms for the third
        assertThat(steps.stream().map(RetrySchedule.Step::endpoint).toList()).containsExactly(2, 0, 1, 2, 0, 1, 2);
        long[] ceilings = {10, 10, 10, 20, 20, 20, 40};
        for (int i = 0; i < steps.size(); i++) {
            assertThat(steps.get(i).delayMs())
                    .as("retry %d", i + 1)
                    .isEqualTo(backoff.delayMillis(i / 3, replay))
                    .isBetween(0L, ceilings[i]);
        }
        // and the jitter is drawn, not fixed: over many schedules the first failover's delays spread over [0, 10]
        Random many = new Random(7);
        java.util.Set<Long> firstDelays = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            firstDelays.add(RetrySchedule.next(0, 0, 3, backoff, many).delayMs());
        }
        assertThat(firstDelays).hasSizeGreaterThan(5).allMatch(d -> d >= 0 && d <= 10);
    }
}
