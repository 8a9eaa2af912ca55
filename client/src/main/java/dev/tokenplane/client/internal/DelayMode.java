package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delay mode: a request that cannot be granted now waits in a bounded queue (a timer, no thread) and is resent when
 * the answer said it could succeed, until its {@code maxWait} is spent. A BMS reservation ({@code waitMs}) is held for
 * its wait. A full queue answers at once.
 */
final class DelayMode {

    /** One try at a decision, told how long it may still wait at the BMS. */
    interface Attempt {
        CompletionStage<Decision> run(long maxWaitMs);
    }

    private final ScheduledExecutorService timers;
    private final int capacity;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Set<CompletableFuture<Decision>> held = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DelayMode(ScheduledExecutorService timers, int capacity) {
        this.timers = timers;
        this.capacity = capacity;
    }

    /** Requests waiting now. */
    int waiting() {
        return waiting.get();
    }

    /**
     * {@code attempt} until it grants or {@code maxWaitMs} is spent. {@code bounded}: answer at once when the queue is
     * full (false for a caller whose thread is blocked on the answer: that thread is its own bound).
     */
    CompletionStage<Decision> acquire(Attempt attempt, long maxWaitMs, boolean bounded) {
        if (waiting.incrementAndGet() > capacity && bounded) {
            waiting.decrementAndGet();
            return attempt.run(0);
        }
        CompletableFuture<Decision> out = new CompletableFuture<>();
        held.add(out);
        out.whenComplete((d, e) -> {
            waiting.decrementAndGet();
            held.remove(out);
        });
        resend(out, attempt, System.nanoTime(), maxWaitMs);
        return out;
    }

    private void resend(CompletableFuture<Decision> out, Attempt attempt, long startNanos, long maxWaitMs) {
        if (closed) {
            out.completeExceptionally(new IllegalStateException("the client is closed"));
            return;
        }
        attempt.run(Math.max(0, maxWaitMs - elapsedMs(startNanos))).whenComplete((d, err) -> {
            if (err != null) {
                out.completeExceptionally(err);
            } else if (d.granted() && d.waitMs() > 0) {
                later(out, d.waitMs(), () -> out.complete(d.withWaitMs(elapsedMs(startNanos))));
            } else if (d.granted()) {
                out.complete(d.withWaitMs(elapsedMs(startNanos)));
            } else if (d.retryAfterMs() > 0 && d.retryAfterMs() <= maxWaitMs - elapsedMs(startNanos)) {
                later(out, d.retryAfterMs(), () -> resend(out, attempt, startNanos, maxWaitMs));
            } else {
                out.complete(d);
            }
        });
    }

    private void later(CompletableFuture<Decision> out, long delayMs, Runnable action) {
        try {
            timers.schedule(action, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            out.completeExceptionally(new IllegalStateException("the client is closed"));
        }
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Fails every waiting request. */
    void close() {
        closed = true;
        IllegalStateException error = new IllegalStateException("the client is closed");
        held.forEach(f -> f.completeExceptionally(error));
    }
}
