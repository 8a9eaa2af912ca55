package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldGiveMedianAnd99thPercentileOfAnInterval() {
        // Given 1, 2, ..., 1000 ms recorded in a 2 s interval (fake monotonic time)
        LatencyRecorder recorder = new LatencyRecorder(5 * SECOND);
        for (int ms = 1; ms <= 1000; ms++) {
            recorder.record(ms);
        }

        // When
        LatencySummary summary = recorder.drain(7 * SECOND);

        // Then (HdrHistogram with 3 significant digits: within 0.1 %)
        assertThat(summary.requests()).isEqualTo(1000);
        assertThat(summary.requestsPerSecond()).isEqualTo(500.0);
        assertThat(summary.p50Ms()).isCloseTo(500.0, within(0.5));
        assertThat(summary.p99Ms()).isCloseTo(990.0, within(1.0));
    }

    @Test
    void shouldKeepSubMillisecondPrecision() {
        LatencyRecorder recorder = new LatencyRecorder(0);
        for (int i = 0; i < 99; i++) {
            recorder.record(0.25);
        }
        recorder.record(12.5);

        LatencySummary summary = recorder.drain(SECOND);

        assertThat(summary.p50Ms()).isCloseTo(0.25, within(0.001));
        assertThat(summary.p99Ms()).isCloseTo(0.25, within(0.001));
    }

    @Test
    void shouldStartEachIntervalEmpty() {
        LatencyRecorder recorder = new LatencyRecorder(0);
        recorder.record(40);
        recorder.drain(SECOND);

        LatencySummary next = recorder.drain(2 * SECOND);

        assertThat(next).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void shouldMeasureRateOverTheTimeSinceTheLastDrain() {
        LatencyRecorder recorder = new LatencyRecorder(0);
        recorder.drain(SECOND);
        for (int i = 0; i < 30; i++) {
            recorder.record(5);
        }

        // The second interval is 3 s long: 1 s -> 4 s
        assertThat(recorder.drain(4 * SECOND).requestsPerSecond()).isEqualTo(10.0);
    }

    @Test
    void shouldCountEverySampleRecordedFromManyThreads() throws InterruptedException {
        LatencyRecorder recorder = new LatencyRecorder(0);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (int i = 0; i < 25_000; i++) {
                    recorder.record(i % 100);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(recorder.drain(SECOND).requests()).isEqualTo(100_000);
    }
}
