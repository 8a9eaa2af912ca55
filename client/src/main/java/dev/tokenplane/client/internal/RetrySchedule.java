package dev.tokenplane.client.internal;

import dev.tokenplane.client.Backoff;

import java.util.random.RandomGenerator;

/**
 * Where and when a request goes after a failed attempt: a pure function of the attempt number, the URL it failed on,
 * the number of URLs, the backoff and a random generator (seed it to replay the schedule).
 *
 * <p>Retry {@code r} goes to the URL after the one that failed. Within a round of the URLs it goes at once: another
 * URL is another BMS member, with no reason to wait. Retry {@code r} that starts a new round ({@code r % urls == 0})
 * first waits {@code backoff.delayMillis(r / urls - 1)}, exponential with full jitter.
 */
public final class RetrySchedule {

    /** Retry on URL {@code endpoint} after {@code delayMs}. */
    public record Step(int endpoint, long delayMs) {
    }

    private RetrySchedule() {
    }

    /**
     * @param failedAttempt the attempt that failed, 0 for the first
     * @param failedOn      the URL index it failed on
     * @param urls          how many URLs there are, at least 1
     */
    public static Step next(int failedAttempt, int failedOn, int urls, Backoff backoff, RandomGenerator random) {
        int retry = failedAttempt + 1;
        long delay = retry % urls == 0 ? backoff.delayMillis(retry / urls - 1, random) : 0;
        return new Step((failedOn + 1) % urls, delay);
    }
}
