package dev.tokenplane.bms.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The deadline of a call on the request path ({@code BMS_REQUEST_TIMEOUT_MS}): a stage that has not completed by then
 * fails with {@link Exceeded}, which the HTTP layer answers with 503 {@code unavailable} and {@code Retry-After}. The
 * call itself goes on (Hazelcast gives up by its own, matching, invocation timeout); only the caller stops waiting.
 * Nothing blocks: the timer is {@link CompletableFuture#orTimeout}'s.
 */
public final class Deadline {
    private final long millis;

    /** The call did not answer within the deadline. */
    public static final class Exceeded extends RuntimeException {
        public Exceeded(long millis) {
            super(
                    "the bucket store did not answer within " + millis + " ms (a member may be down or partitioned); "
                            + "retry",
                    null,
                    false,
                    false);
        }
    }

    public Deadline(long millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("millis must be >= 1, was " + millis);
        }
        this.millis = millis;
    }

    public long millis() {
        return millis;
    }

    /** A stage completed as {@code stage}, or failed with {@link Exceeded} when it takes longer than the deadline. */
    public <T> CompletableFuture<T> on(CompletionStage<T> stage) {
        // a copy: the timeout must not complete the caller's own future
        return stage.toCompletableFuture()
                .copy()
                .orTimeout(millis, TimeUnit.MILLISECONDS)
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                        unwrap(e) instanceof TimeoutException ? new Exceeded(millis) : e));
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }
}
