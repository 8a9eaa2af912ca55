package dev.tokenplane.client;

/**
 * A bucket's size as the client knows it: what the {@link FallbackPolicy#LOCAL} fallback builds its local bucket from.
 *
 * @param capacity        tokens, at least 1
 * @param refillPerSecond tokens per second, &gt; 0
 */
public record LocalLimit(long capacity, double refillPerSecond) {
    public LocalLimit {
        if (capacity < 1 || !(refillPerSecond > 0)) {
            throw new IllegalArgumentException(
                    "capacity must be >= 1 and refillPerSecond > 0, was " + capacity + " and " + refillPerSecond);
        }
    }
}
