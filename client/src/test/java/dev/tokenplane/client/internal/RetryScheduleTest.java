package dev.tokenplane.client.internal;

import dev.tokenplane.client.Backoff;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

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
    void shouldFailOverAtOnceAndBackOffOnlyWhenARoundOfUrlsStartsAgain() {
        // Given three BMS URLs and a first attempt on the second one
        Random random = new Random(5);
        List<RetrySchedule.Step> steps = new ArrayList<>();
        int on = 1;
        for (int failed = 0; failed < 7; failed++) {
            RetrySchedule.Step step = RetrySchedule.next(failed, on, 3, backoff, random);
            steps.add(step);
            on = step.endpoint();
        }

        // Then the URLs go round in order, and only retries 3 and 6 (new rounds) wait, with growing ceilings
        assertThat(steps.stream().map(RetrySchedule.Step::endpoint).toList()).containsExactly(2, 0, 1, 2, 0, 1, 2);
        assertThat(steps.get(0).delayMs()).isZero();
        assertThat(steps.get(1).delayMs()).isZero();
        assertThat(steps.get(2).delayMs()).isBetween(0L, 10L);
        assertThat(steps.get(3).delayMs()).isZero();
        assertThat(steps.get(4).delayMs()).isZero();
        assertThat(steps.get(5).delayMs()).isBetween(0L, 20L);
        assertThat(steps.get(6).delayMs()).isZero();
    }
}
