package dev.tokenplane.client.web;

import dev.tokenplane.client.http.PriorityHeader;
import dev.tokenplane.store.Priority;
import io.vertx.ext.web.RoutingContext;
import java.util.Objects;
import java.util.function.Function;

/**
 * Ready-made priority resolvers for {@link RateLimitHandlerBuilder#priorityResolver}: which class
 * ({@code critical}, {@code high}, {@code normal}, {@code low}) a request's tokens are asked in. Any
 * {@code Function<RoutingContext, Priority>} will do (null from it means {@code normal}).
 */
public final class PriorityResolvers {

    private PriorityResolvers() {}

    /** The default: the {@code X-Priority} header ({@link PriorityHeader}); absent or unknown is {@code normal}. */
    public static Function<RoutingContext, Priority> header() {
        return header(PriorityHeader.NAME);
    }

    /** The class named by header {@code name}; absent or unknown is {@code normal}. */
    public static Function<RoutingContext, Priority> header(String name) {
        Objects.requireNonNull(name, "name");
        return ctx -> PriorityHeader.parse(ctx.request().getHeader(name));
    }

    /** Every request in class {@code priority}, whatever it sends: for callers who must not choose their class. */
    public static Function<RoutingContext, Priority> fixed(Priority priority) {
        Objects.requireNonNull(priority, "priority");
        return ctx -> priority;
    }
}
