package dev.tokenplane.bms.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that another thread, member or process makes true (cluster events are asynchronous), polling
 * it up to a deadline. The only polling loop of the tests: its pause is a polling interval, not a race.
 */
public final class Await {
    private static final Duration DEFAULT = Duration.ofSeconds(15);
    private static final long POLL_MS = 20;

    private Await() {}

    /** Polls {@code condition} until it holds, for up to 15 s; a condition that throws fails the wait at once. */
    public static void until(BooleanSupplier condition) {
        poll(
                () -> condition.getAsBoolean() ? Boolean.TRUE : null,
                DEFAULT,
                () -> "condition not met within " + DEFAULT.toSeconds() + " s",
                false);
    }

    /** Polls {@code condition} until it holds, for up to {@code timeoutMs}; a condition that throws fails at once. */
    public static void until(BooleanSupplier condition, long timeoutMs) {
        poll(
                () -> condition.getAsBoolean() ? Boolean.TRUE : null,
                Duration.ofMillis(timeoutMs),
                () -> "condition not met within " + timeoutMs + " ms",
                false);
    }

    /** Polls {@code condition} until it holds, for up to {@code timeout}; a condition that throws does not hold yet. */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> failure) {
        value(() -> condition.getAsBoolean() ? Boolean.TRUE : null, timeout, failure);
    }

    /**
     * Polls {@code probe} until it answers a value, for up to {@code timeout}; a probe that throws a runtime exception
     * (a server not listening yet, a page being re-rendered) has no value yet.
     */
    public static <T> T value(Supplier<T> probe, Duration timeout, Supplier<String> failure) {
        return poll(probe, timeout, failure, true);
    }

    private static <T> T poll(Supplier<T> probe, Duration timeout, Supplier<String> failure, boolean retryFailures) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                T value = probe.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException notYet) {
                if (!retryFailures) {
                    throw notYet;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get());
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
