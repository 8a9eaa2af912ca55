package dev.tokenplane.transfer.exec;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: the executor's time budgets and retry back-off. The BMS adapts Vert.x timers
 * ({@code vertx.setTimer}); tests use a manual timer driven by a fake clock, so nothing sleeps.
 */
@FunctionalInterface
public interface TransferTimer {

    /** Runs {@code task} once, {@code delay} from now, unless cancelled first. The task must not block. */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that may still be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run; does nothing otherwise. */
        void cancel();
    }

    /** A timer on {@code scheduler}. */
    static TransferTimer of(ScheduledExecutorService scheduler) {
        return (delay, task) -> {
            ScheduledFuture<?> f = scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        };
    }
}
