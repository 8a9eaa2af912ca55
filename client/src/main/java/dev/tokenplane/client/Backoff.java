package dev.tokenplane.client;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (the AWS architecture blog's "full jitter"): before retry number
 * {@code attempt} (0 for the first retry) wait a uniformly random time in {@code [0, min(max, base * 2^attempt)]}.
 * Full jitter spreads the retries of many clients that failed at the same moment, so a BMS coming back is not hit by
 * all of them at once.
 *
 * <p>A pure schedule: the randomness comes in as an argument, so a seeded generator replays it exactly.
 *
 * @param base the ceiling of the first retry's delay, at least 1 ms
 * @param max  the largest ceiling, at least {@code base}
 */
public record Backoff(Duration base, Duration max) {

    public Backoff {
        if (base == null || max == null || base.toMillis() < 1 || max.compareTo(base) < 0) {
            throw new IllegalArgumentException(
                    "backoff base must be >= 1 ms and max >= base, was base=" + base + ", max=" + max);
        }
    }

    /** {@code base} and {@code max} in milliseconds. */
    public static Backoff ofMillis(long baseMs, long maxMs) {
        return new Backoff(Duration.ofMillis(baseMs), Duration.ofMillis(maxMs));
    }

    /** The largest delay before retry {@code attempt}: {@code min(max, base * 2^attempt)}, in ms, without overflow. */
    public long ceilingMillis(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must be >= 0, was " + attempt);
        }
        long baseMs = base.toMillis();
        long maxMs = max.toMillis();
        if (attempt >= 62 || baseMs > (maxMs >> attempt)) {
            return maxMs;
        }
        return Math.min(maxMs, baseMs << attempt);
    }

    /** The delay before retry {@code attempt}, in ms: uniform in {@code [0, ceilingMillis(attempt)]}. */
    public long delayMillis(int attempt, RandomGenerator random) {
        return random.nextLong(ceilingMillis(attempt) + 1);
    }
}
