package dev.tokenplane.bms.support;

import java.util.function.BooleanSupplier;

/** Waits for a condition that another thread or member makes true (cluster events are asynchronous). */
public final class Await {
    private Await() {
    }

    public static void until(BooleanSupplier condition) {
        until(condition, 15_000);
    }

    public static void until(BooleanSupplier condition, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("condition not met within " + timeoutMs + " ms");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
