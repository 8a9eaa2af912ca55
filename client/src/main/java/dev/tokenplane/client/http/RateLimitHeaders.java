package dev.tokenplane.client.http;

import dev.tokenplane.client.Decision;

/**
 * The IETF RateLimit header fields of a decision, after draft-ietf-httpapi-ratelimit-headers-10 (27 September 2025):
 * {@code RateLimit-Policy} and {@code RateLimit}, each a Structured Fields list with one item, the policy name as an
 * sf-string with parameters:
 * <pre>
 * RateLimit-Policy: "default";q=100;w=10      # q: quota units, w: window in seconds
 * RateLimit: "default";r=42;t=3               # r: remaining units, t: seconds until the quota resets
 * </pre>
 * A token bucket of capacity C refilling at R per second maps to {@code q = C} and {@code w = ceil(C / R)}: at most C
 * per window of w seconds, the time the bucket takes to refill from empty. {@code r} is the tokens left after the
 * decision; {@code t} is the time until the bucket is full again for a grant and, for a denial, the time until the
 * request could be granted (the same as {@code Retry-After}, in whole seconds, at least 1).
 *
 * <p>Pure functions; no headers when the decision does not know the bucket (a fail-open decision for a key never seen).
 */
public final class RateLimitHeaders {
    public static final String POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";
    public static final String RETRY_AFTER = "Retry-After";
    /** The largest sf-integer (15 digits). */
    static final long MAX_SF_INTEGER = 999_999_999_999_999L;

    /** The header values of one decision; {@code retryAfter} only for a denial. */
    public record Values(String policy, String rateLimit, String retryAfter) {}

    private RateLimitHeaders() {}

    /** The header values for {@code d} under policy {@code name}, or null when the bucket is unknown. */
    public static Values of(String name, Decision d) {
        if (d.capacity() < 1 || !(d.refillPerSecond() > 0)) {
            return d.granted() ? null : new Values(null, null, Long.toString(retryAfterSeconds(d.retryAfterMs())));
        }
        String quoted = sfString(name);
        long window = clamp(Math.ceil(d.capacity() / d.refillPerSecond()));
        long remaining = Math.max(0, Math.min(d.remaining(), d.capacity()));
        long reset = d.granted()
                ? clamp(Math.ceil((d.capacity() - remaining) / d.refillPerSecond()))
                : retryAfterSeconds(d.retryAfterMs());
        return new Values(
                quoted + ";q=" + d.capacity() + ";w=" + Math.max(1, window),
                quoted + ";r=" + remaining + ";t=" + reset,
                d.granted() ? null : Long.toString(retryAfterSeconds(d.retryAfterMs())));
    }

    /** {@code Retry-After} in whole seconds, rounded up, at least 1. */
    public static long retryAfterSeconds(long retryAfterMs) {
        return Math.max(1, clamp(Math.ceil(retryAfterMs / 1000.0)));
    }

    private static long clamp(double seconds) {
        return (long) Math.max(0, Math.min(MAX_SF_INTEGER, seconds));
    }

    /**
     * An RFC 8941 sf-string: printable ASCII in double quotes, with {@code "} and {@code \} escaped.
     *
     * @throws IllegalArgumentException for characters an sf-string cannot hold
     */
    public static String sfString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("a policy name must be printable ASCII, was '" + s + "'");
            }
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }
}
