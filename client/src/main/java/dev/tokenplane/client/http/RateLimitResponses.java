package dev.tokenplane.client.http;

import dev.tokenplane.client.AllResult;
import dev.tokenplane.client.Decision;
import java.util.Comparator;

/**
 * The answers an HTTP middleware gives for a decision, the same in every container: the JSON bodies of a 429, a 401
 * and a 503 ({@code {"error", "message"}}, as the BMS answers), and the decision that speaks for an all-or-nothing
 * answer.
 */
public final class RateLimitResponses {
    public static final String CONTENT_TYPE = "application/json";

    private RateLimitResponses() {}

    /** The body of a 429 for {@code d}, whose {@code Retry-After} header is {@code retryAfterSeconds}. */
    public static String rateLimited(Decision d, String retryAfterSeconds) {
        return "{\"error\":\"rate_limited\",\"message\":\"too many requests; retry after " + retryAfterSeconds
                + " s\",\"retryAfterMs\":" + d.retryAfterMs() + "}";
    }

    /** The body of a 401: the caller's forwarded API key is unknown to the BMS. */
    public static String unauthorized() {
        return "{\"error\":\"unauthorized\",\"message\":\"a valid X-Api-Key is required\"}";
    }

    /** The body of a 503: rate limiting failed and the middleware fails closed. */
    public static String unavailable() {
        return "{\"error\":\"unavailable\",\"message\":\"rate limiting failed\"}";
    }

    /**
     * The decision that speaks for an all-or-nothing answer: when granted, the one with the fewest tokens left; when
     * denied, the one that waits longest.
     */
    public static Decision binding(AllResult all) {
        Comparator<Decision> order = all.granted()
                ? Comparator.comparingLong(Decision::remaining).reversed()
                : Comparator.comparingLong(Decision::retryAfterMs);
        return all.decisions().stream().max(order).orElseThrow();
    }
}
