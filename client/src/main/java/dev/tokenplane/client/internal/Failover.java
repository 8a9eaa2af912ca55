package dev.tokenplane.client.internal;

import dev.tokenplane.client.Backoff;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Retries and failover between the BMS URLs, within a deadline.
 *
 * <p>A transport error (refused, reset, closed, timed out) or a 5xx answer is retried as {@link RetrySchedule} says:
 * the next URL, after a delay with full jitter (also between the URLs of one round, so that clients leaving a failed
 * member do not all land on the next one at once), its ceiling growing each round. After a failure the next requests
 * start at the next URL too (sticky failover). Nothing is retried past the deadline or past {@code maxRetries}; then
 * the request fails with {@link UnavailableException}. A 4xx answer is the caller's, not retried.
 */
final class Failover {

    /** No BMS answered within the deadline (after retries and failover). */
    static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    private final BmsHttp http;
    private final ScheduledExecutorService timers;
    private final Duration attemptTimeout;
    private final int maxRetries;
    private final Backoff backoff;
    private final Supplier<RandomGenerator> random;
    private final Runnable onRetry;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * @param random  the randomness of the backoff jitter
     * @param onRetry told of every retry (for the events and metrics)
     */
    Failover(
            BmsHttp http,
            ScheduledExecutorService timers,
            Duration attemptTimeout,
            int maxRetries,
            Backoff backoff,
            Supplier<RandomGenerator> random,
            Runnable onRetry) {
        this.http = http;
        this.timers = timers;
        this.attemptTimeout = attemptTimeout;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.random = random;
        this.onRetry = onRetry;
    }

    int endpointCount() {
        return http.endpointCount();
    }

    /**
     * POSTs {@code body} to {@code path}, retrying and failing over until {@code deadlineNanos} (a
     * {@link System#nanoTime()} value); {@code callerKey} is the API key to send (null: the client's own).
     */
    CompletableFuture<BmsHttp.Reply> post(String path, byte[] body, long deadlineNanos, String callerKey) {
        CompletableFuture<BmsHttp.Reply> out = new CompletableFuture<>();
        attempt(path, body, deadlineNanos, 0, preferred.get(), out, null, callerKey);
        return out;
    }

    private void attempt(
            String path,
            byte[] body,
            long deadlineNanos,
            int attempt,
            int index,
            CompletableFuture<BmsHttp.Reply> out,
            Throwable last,
            String callerKey) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMs <= 0) {
            out.completeExceptionally(new UnavailableException("no BMS answered in time", last));
            return;
        }
        Duration timeout = Duration.ofMillis(Math.min(attemptTimeout.toMillis(), leftMs));
        http.send(index, path, body, timeout, callerKey).whenComplete((reply, error) -> {
            if (error == null && reply.status() < 500) {
                out.complete(reply);
                return;
            }
            Throwable cause = error != null
                    ? error
                    : new IllegalStateException(http.describe(index) + " answered " + reply.status());
            RetrySchedule.Step step = RetrySchedule.next(attempt, index, http.endpointCount(), backoff, random.get());
            int next = step.endpoint();
            preferred.compareAndSet(index, next);
            int retry = attempt + 1;
            if (retry > maxRetries) {
                out.completeExceptionally(
                        new UnavailableException("no BMS answered after " + retry + " attempts", cause));
                return;
            }
            onRetry.run();
            long delay = step.delayMs();
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (delay >= remaining) {
                out.completeExceptionally(new UnavailableException("no BMS answered in time", cause));
            } else if (delay <= 0) {
                attempt(path, body, deadlineNanos, retry, next, out, cause, callerKey);
            } else {
                timers.schedule(
                        () -> attempt(path, body, deadlineNanos, retry, next, out, cause, callerKey),
                        delay,
                        TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Whether BMS URL {@code index} is ready ({@code GET /health/ready} answers 200 within {@code timeout}). A ready
     * URL becomes the preferred one.
     */
    CompletableFuture<Boolean> probe(int index, Duration timeout) {
        return http.send(index, "/health/ready", null, timeout, null).handle((reply, error) -> {
            boolean ready = error == null && reply.status() == 200;
            if (ready) {
                preferred.set(index);
            }
            return ready;
        });
    }
}
