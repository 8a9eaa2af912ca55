package dev.tokenplane.bms.http;

import dev.tokenplane.bms.config.ConfigWrite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Small helpers shared by the route handlers: reading bodies, answering JSON, bringing stages back to the context. */
public final class Replies {
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");

    private Replies() {}

    /** Answers {@code status} with {@code body} as JSON. */
    public static void json(RoutingContext ctx, int status, Object body) {
        json(ctx, status, Json.write(body));
    }

    /** Answers {@code status} with {@code json}, a JSON body already written. */
    public static void json(RoutingContext ctx, int status, Buffer json) {
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end(json);
    }

    /** Answers 204. */
    public static void noContent(RoutingContext ctx) {
        ctx.response().setStatusCode(204).end();
    }

    /** The request's JSON body as {@code type}. */
    public static <T> T body(RoutingContext ctx, Class<T> type) throws IOException {
        T value = optionalBody(ctx, type);
        if (value == null) {
            throw ApiException.badRequest("a JSON object body is required");
        }
        return value;
    }

    /** The request's JSON body as {@code type}, or null when the request has no body. */
    public static <T> T optionalBody(RoutingContext ctx, Class<T> type) throws IOException {
        return optionalBodyOf(ctx.body().buffer(), type);
    }

    /** {@code b}, a request's body, as {@code type}, or null when it is empty. */
    static <T> T optionalBodyOf(Buffer b, Class<T> type) throws IOException {
        if (b == null || b.length() == 0) {
            return null;
        }
        T value = Json.read(b, type);
        if (value == null) {
            throw ApiException.badRequest("the body must be a JSON object, not null");
        }
        return value;
    }

    /** {@code stage} as a Vert.x future completing on the calling handler's context. */
    public static <T> Future<T> onContext(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, Vertx.currentContext());
    }

    /**
     * A changed configuration record written to this member's disk on a worker (never the event loop), so that the
     * answer goes out only once the write is durable; an unchanged one as it is.
     */
    public static Future<ConfigWrite> persisted(Vertx vertx, ConfigWrite write, Consumer<ConfigWrite> durable) {
        if (!write.changed()) {
            return Future.succeededFuture(write);
        }
        return vertx.executeBlocking(
                () -> {
                    durable.accept(write);
                    return write;
                },
                false);
    }

    /** Runs {@code ok} with the result of {@code future}, or answers its failure through {@link ErrorMapper}. */
    public static <T> void then(RoutingContext ctx, Future<T> future, Consumer<T> ok) {
        future.onComplete(ar -> {
            if (ar.failed()) {
                ErrorMapper.respond(ctx, ar.cause());
                return;
            }
            try {
                ok.accept(ar.result());
            } catch (RuntimeException e) {
                ErrorMapper.respond(ctx, e);
            }
        });
    }
}
