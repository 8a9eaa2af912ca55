package dev.tokenplane.client.http;

import dev.tokenplane.store.Priority;

/**
 * The request header the middlewares read a request's priority from by default: {@code X-Priority: critical | high |
 * normal | low} (case-insensitive). A request without it, or with any other value, is {@code normal}: a header typo
 * never fails a request.
 *
 * <p>Only trust it from callers you trust: a caller that sends {@code critical} may take the share of a bucket reserved
 * for critical traffic. Behind a gateway that sets or strips the header it is safe; for untrusted callers, resolve the
 * priority from something the caller cannot choose (its authenticated identity, the route) or use a fixed class.
 */
public final class PriorityHeader {

    /** The default header name. */
    public static final String NAME = "X-Priority";

    private PriorityHeader() {}

    /** The class a header value names; {@link Priority#DEFAULT} for null or an unknown value. */
    public static Priority parse(String value) {
        if (value == null) {
            return Priority.DEFAULT;
        }
        try {
            return Priority.parse(value.strip());
        } catch (IllegalArgumentException unknown) {
            return Priority.DEFAULT;
        }
    }
}
