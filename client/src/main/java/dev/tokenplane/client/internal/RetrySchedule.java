package dev.tokenplane.client.internal;

import dev.tokenplane.client.Backoff;
import java.util.random.RandomGenerator;

/**
 * Where and when a request goes after a failed attempt: a pure function of the attempt number, the URL it failed on,
 * the number of URLs, the backoff and a random generator (seed it to replay the schedule).
 *
 * <p>Retry {@code r} goes to the URL after the one that failed, after {@code backoff.delayMillis((r - 1) / urls)}:
 * full jitter before every retry, also between the URLs of one round, with a ceiling that doubles each round. Going on
 * to the next member at once would send every client that saw one member fail to the same next member in the same
 * millisecond; the jitter spreads them, and its first ceiling (the backoff's base, 10 ms by default) costs little.
 * With a single URL this is plain exponential backoff ({@code delayMillis(r - 1)}).
 */
public final class RetrySchedule {

    /** Retry on URL {@code endpoint} after {@code delayMs}. */
    public record Step(int endpoint, long delayMs) {}

    private RetrySchedule() {}

    /**
     * @param failedAttempt the attempt that failed, 0 for the first
     * @param failedOn      the URL index it failed on
     * @param urls          how many URLs there are, at least 1
     */
    public static Step next(int failedAttempt, int failedOn, int urls, Backoff backoff, RandomGenerator random) {
        int round = failedAttempt / urls; // the round of the URLs the failed attempt was in
        return new Step((failedOn + 1) % urls, backoff.delayMillis(round, random));
    }
}
