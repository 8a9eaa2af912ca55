package dev.tokenplane.agent;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.assertj.core.api.Assertions;

/** Polls a condition of a real asynchronous system (network, threads) until it holds or a deadline passes. */
public final class Eventually {

    private Eventually() {}

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        await(timeout, () -> what, condition);
    }

    /** Waits until {@code condition} holds and describes the state with {@code state} on failure. */
    public static void await(Duration timeout, Supplier<String> state, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                Assertions.fail("timed out after " + timeout + "; state: " + state.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                Assertions.fail("interrupted; state: " + state.get());
            }
        }
    }
}
