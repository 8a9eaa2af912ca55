package dev.tokenplane.client.http;

import java.time.Duration;

/** The checks of the settings every HTTP middleware shares (Vert.x Web, Servlet), with the same messages. */
public final class MiddlewareSettings {
    private MiddlewareSettings() {}

    /** The policy name in the RateLimit headers: printable ASCII, 1..64 characters. */
    public static String policyName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64) {
            throw new IllegalArgumentException("policyName must be 1..64 printable ASCII characters, was " + name);
        }
        RateLimitHeaders.sfString(name);
        return name;
    }

    /** How long a request may wait for its tokens in delay mode: in [0, 1 h]. */
    public static Duration maxDelay(Duration maxDelay) {
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("maxDelay must be in [0, 1 h], was " + maxDelay);
        }
        return maxDelay;
    }
}
