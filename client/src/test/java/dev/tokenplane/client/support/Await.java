package dev.tokenplane.client.support;

import java.util.function.BooleanSupplier;

/** Polls a condition (every 20 ms) until it holds or a deadline passes. */
public final class Await {
    private Await() {}

    /** Waits until {@code condition} holds; fails the test after {@code timeoutMs}. */
    public static void until(BooleanSupplier condition, long timeoutMs) {
        if (!quietly(condition, timeoutMs)) {
            throw new AssertionError("condition not met within " + timeoutMs + " ms");
        }
    }

    /** Waits until {@code condition} holds or {@code timeoutMs} passed; answers whether it holds. */
    public static boolean quietly(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
