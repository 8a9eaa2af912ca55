package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class FailoverScheduleTest {

    private static final RandomGenerator TOP = TopOfRange.INSTANCE;

    private final BackoffPolicy backoff = new BackoffPolicy(100, 1_000);

    @Test
    void shouldMoveToTheNextEndpointAtOnceAfterAFailure() {
        FailoverSchedule schedule = new FailoverSchedule(List.of("http://a", "http://b", "http://c"), backoff);

        assertThat(schedule.onFailure(TOP)).isZero();
        assertThat(schedule.currentEndpoint()).isEqualTo("http://b");
        assertThat(schedule.onFailure(TOP)).isZero();
        assertThat(schedule.currentEndpoint()).isEqualTo("http://c");
    }

    @Test
    void shouldBackOffLongerAfterEachRoundInWhichEveryEndpointFailed() {
        FailoverSchedule schedule = new FailoverSchedule(List.of("http://a", "http://b"), backoff);

        long[] delays = new long[10];
        for (int i = 0; i < delays.length; i++) {
            delays[i] = schedule.onFailure(TOP);
        }

        // b at once, then wait 100 before a; a fails, b at once, wait 200 before a; ... capped at 1000
        assertThat(delays).containsExactly(0, 100, 0, 200, 0, 400, 0, 800, 0, 1_000);
        assertThat(schedule.failedRounds()).isEqualTo(5);
    }

    @Test
    void shouldStayOnAWorkingEndpointAndForgetFailures() {
        FailoverSchedule schedule = new FailoverSchedule(List.of("http://a", "http://b"), backoff);
        schedule.onFailure(TOP);
        schedule.onFailure(TOP);
        schedule.onFailure(TOP);

        schedule.onSuccess();

        assertThat(schedule.currentEndpoint()).isEqualTo("http://b");
        assertThat(schedule.failedRounds()).isZero();
        assertThat(schedule.onFailure(TOP)).isZero();
        assertThat(schedule.onFailure(TOP)).isEqualTo(100);
    }

    @Test
    void shouldBackOffAfterEveryFailureWithASingleEndpoint() {
        FailoverSchedule schedule = new FailoverSchedule(List.of("http://only"), backoff);

        assertThat(schedule.onFailure(TOP)).isEqualTo(100);
        assertThat(schedule.onFailure(TOP)).isEqualTo(200);
        assertThat(schedule.currentEndpoint()).isEqualTo("http://only");
    }
}
