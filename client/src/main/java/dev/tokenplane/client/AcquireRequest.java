package dev.tokenplane.client;

import dev.tokenplane.store.Priority;
import java.time.Duration;

/**
 * One item of a batch.
 *
 * @param key       the bucket key, 1..256 characters
 * @param tokens    tokens wanted, at least 1
 * @param maxWaitMs how long the BMS may make the caller wait for a reservation, 0 for none
 * @param priority  the request's class ({@code critical}, {@code high}, {@code normal}, {@code low}): under pressure
 *                  lower classes are denied first (the BMS keeps a reserved share of each bucket for the classes
 *                  above them)
 */
public record AcquireRequest(String key, long tokens, long maxWaitMs, Priority priority) {

    public AcquireRequest {
        if (priority == null) {
            throw new IllegalArgumentException("priority is required (Priority.NORMAL by default)");
        }
    }

    /** A request of the default class, {@link Priority#NORMAL}. */
    public AcquireRequest(String key, long tokens, long maxWaitMs) {
        this(key, tokens, maxWaitMs, Priority.DEFAULT);
    }

    /** The same request in class {@code newPriority}. */
    public AcquireRequest withPriority(Priority newPriority) {
        return new AcquireRequest(key, tokens, maxWaitMs, newPriority);
    }

    /** One token, no wait. */
    public static AcquireRequest of(String key) {
        return new AcquireRequest(key, 1, 0);
    }

    /** {@code tokens} tokens, waiting at most {@code maxWait} for a BMS reservation. */
    public static AcquireRequest of(String key, long tokens, Duration maxWait) {
        return new AcquireRequest(key, tokens, maxWait.toMillis());
    }

    /** {@link #maxWaitMs()} as a duration. */
    public Duration maxWait() {
        return Duration.ofMillis(maxWaitMs);
    }

    /** {@code tokens} tokens, no wait. */
    public static AcquireRequest of(String key, long tokens) {
        return new AcquireRequest(key, tokens, 0);
    }
}
