package dev.tokenplane.agent.core;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: before retry number {@code attempt} (0-based) wait a uniformly random time in
 * {@code [0, ceiling(attempt)]}, where {@code ceiling(attempt) = min(maxMillis, baseMillis × 2^attempt)}.
 *
 * <p>Full jitter spreads the retries of many agents that lost the BMS at the same moment, so they do not come back
 * in lock-step. Pure and immutable; the randomness is an argument, so a seeded generator gives a repeatable schedule.
 *
 * @param baseMillis the first ceiling, ≥ 1
 * @param maxMillis  the cap, ≥ {@code baseMillis}
 */
public record BackoffPolicy(long baseMillis, long maxMillis) {

    public BackoffPolicy {
        if (baseMillis < 1) {
            throw new IllegalArgumentException("baseMillis must be >= 1, got " + baseMillis);
        }
        if (maxMillis < baseMillis) {
            throw new IllegalArgumentException(
                    "maxMillis must be >= baseMillis (" + baseMillis + "), got " + maxMillis);
        }
    }

    /**
     * The upper bound of the wait before retry {@code attempt}.
     *
     * @param attempt 0 for the first retry, growing by one per failed round
     * @return {@code min(maxMillis, baseMillis × 2^attempt)}, without overflow
     */
    public long ceilingMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, got " + attempt);
        }
        if (attempt >= Long.SIZE - 1 || baseMillis > (maxMillis >> attempt)) {
            return maxMillis;
        }
        return Math.min(maxMillis, baseMillis << attempt);
    }

    /**
     * The wait before retry {@code attempt}: uniform in {@code [0, ceilingMillis(attempt)]}.
     *
     * @param attempt 0 for the first retry
     * @param random  the source of jitter
     * @return the wait in ms
     */
    public long delayMillis(int attempt, RandomGenerator random) {
        long ceiling = ceilingMillis(attempt);
        // nextDouble() is in [0, 1), so this is uniform over the integers 0..ceiling.
        return Math.min(ceiling, (long) (random.nextDouble() * (ceiling + 1)));
    }
}
