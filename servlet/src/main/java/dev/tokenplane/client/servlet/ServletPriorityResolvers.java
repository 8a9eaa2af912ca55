package dev.tokenplane.client.servlet;

import dev.tokenplane.client.http.PriorityHeader;
import dev.tokenplane.store.Priority;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import java.util.function.Function;

/**
 * Ready-made priority resolvers for {@link RateLimitFilterBuilder#priorityResolver}: which class ({@code critical},
 * {@code high}, {@code normal}, {@code low}) a request's tokens are asked in. Any
 * {@code Function<HttpServletRequest, Priority>} will do (null from it means {@code normal}).
 */
public final class ServletPriorityResolvers {

    private ServletPriorityResolvers() {}

    /** The default: the {@code X-Priority} header ({@link PriorityHeader}); absent or unknown is {@code normal}. */
    public static Function<HttpServletRequest, Priority> header() {
        return header(PriorityHeader.NAME);
    }

    /** The class named by header {@code name}; absent or unknown is {@code normal}. */
    public static Function<HttpServletRequest, Priority> header(String name) {
        Objects.requireNonNull(name, "name");
        return request -> PriorityHeader.parse(request.getHeader(name));
    }

    /** Every request in class {@code priority}, whatever it sends: for callers who must not choose their class. */
    public static Function<HttpServletRequest, Priority> fixed(Priority priority) {
        Objects.requireNonNull(priority, "priority");
        return request -> priority;
    }
}
