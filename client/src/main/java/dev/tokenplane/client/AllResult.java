package dev.tokenplane.client;

import java.time.Duration;
import java.util.List;

/**
 * The answer to {@link RateLimiterClient#acquireAll}: all or nothing.
 *
 * @param granted      whether every request was granted; when false, none kept its tokens
 * @param retryAfterMs 0 when granted, else the longest wait any request was told
 * @param decisions    each request's decision, in request order
 */
public record AllResult(boolean granted, long retryAfterMs, List<Decision> decisions) {
    public AllResult {
        decisions = List.copyOf(decisions);
    }

    /** For a denial: how long until the whole request could be granted. */
    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMs);
    }
}
