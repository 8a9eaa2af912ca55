package dev.tokenplane.bms.http;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.tokenplane.bms.cluster.Deadline;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.decide.BucketBudgetExhaustedException;
import dev.tokenplane.bms.decide.NoRuleException;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.runtime.http.MalformedBodies;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP errors of the contract's shape {@code {"error", "message"}}. Bad input of
 * any kind maps to a 4xx here; only a fault of the service itself is a 500 (logged, with a generic message).
 */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);
    private static final int MAX_MESSAGE = 300;
    /** What a 503 tells the caller to wait: another member, or this one once ready, may answer by then. */
    static final long RETRY_AFTER_SECONDS = 1;

    /** An error body, with its status (not serialised). */
    @JsonPropertyOrder({"error", "message"})
    public record ApiError(
            @com.fasterxml.jackson.annotation.JsonIgnore int status,
            String error,
            String message,
            @com.fasterxml.jackson.annotation.JsonIgnore long retryAfterSeconds) {
        /** An error without a {@code Retry-After}. */
        public ApiError(int status, String error, String message) {
            this(status, error, message, 0);
        }
    }

    /** An error as sent: the contract's {@code error} and {@code message}, and the request's id. */
    @JsonPropertyOrder({"error", "message", "requestId"})
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record ErrorBody(String error, String message, String requestId) {}

    /** An error of one batch item: {@code {"key", "error", "message"}}. */
    @JsonPropertyOrder({"key", "error", "message"})
    public record ItemError(String key, String error, String message) {}

    private ErrorMapper() {}

    /** Maps {@code failure} (and the status Vert.x gave it, or -1) to an error. */
    public static ApiError classify(Throwable failure, int status) {
        Throwable t = unwrap(failure);
        if (t instanceof ApiException e) {
            return new ApiError(e.status(), e.code(), e.getMessage());
        }
        if (t instanceof InvalidInputException e) {
            return new ApiError(400, "validation", e.getMessage());
        }
        if (HazelcastMember.isWithoutMajority(t)) {
            return new ApiError(
                    503,
                    "unavailable",
                    "this member sees fewer than a majority of the expected members "
                            + "(BMS_EXPECTED_MEMBERS), so it accepts no configuration writes; retry on another member");
        }
        if (t instanceof NoRuleException e) {
            return new ApiError(404, "no_rule", e.getMessage());
        }
        if (t instanceof Deadline.Exceeded e) {
            return new ApiError(503, "unavailable", e.getMessage(), RETRY_AFTER_SECONDS);
        }
        if (t instanceof ReplicatedConfig.NotDurableException e) {
            return new ApiError(503, "unavailable", truncate(e.getMessage()), RETRY_AFTER_SECONDS);
        }
        if (t instanceof BucketBudgetExhaustedException e) {
            return new ApiError(
                    503, "bucket_budget_exhausted", e.getMessage(), BucketBudgetExhaustedException.RETRY_AFTER_SECONDS);
        }
        if (t instanceof MalformedBodies.MalformedBodyException e) {
            return new ApiError(400, "bad_request", e.getMessage());
        }
        if (t instanceof JacksonException e) {
            return json(e);
        }
        if (t instanceof HttpException e) {
            return byStatus(e.getStatusCode(), e.getCause());
        }
        if (t == null || status > 0) {
            return byStatus(status, t);
        }
        LOG.error("internal error", t);
        return new ApiError(500, "internal", "internal error");
    }

    /** Answers {@code ctx} with the error for {@code failure}. */
    public static void respond(RoutingContext ctx, Throwable failure) {
        RequestIds.withMdc(ctx, () -> send(ctx, classify(failure, -1)));
    }

    /** The router's failure handler: failures of handlers and of Vert.x itself (body too large, bad paths). */
    public static void handleFailure(RoutingContext ctx) {
        // a 4xx given with the failure stands unless the failure's type says more: Vert.x Web's router fails a request
        // without a Host header (or with an invalid one) with 400 and a VertxException, which is not a fault of ours
        int status = ctx.statusCode();
        boolean clientError = status >= 400 && status < 500;
        RequestIds.withMdc(
                ctx, () -> send(ctx, classify(ctx.failure(), ctx.failure() == null || clientError ? status : -1)));
    }

    /**
     * The router's handler for requests it fails itself with {@code status} (no route, wrong method, a path it cannot
     * decode, a body over the limit).
     */
    public static void handleStatus(RoutingContext ctx, int status) {
        RequestIds.withMdc(ctx, () -> {
            Throwable failure = ctx.failure();
            send(
                    ctx,
                    failure == null || failure instanceof HttpException
                            ? byStatus(status, failure)
                            : classify(failure, status));
        });
    }

    /** Sends {@code error}, unless the response has already started. */
    public static void send(RoutingContext ctx, ApiError error) {
        if (ctx.response().headWritten() || ctx.response().closed()) {
            return;
        }
        if (error.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        if (error.retryAfterSeconds() > 0) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
        } else if (error.status() == 503 && !ctx.response().headers().contains(HttpHeaders.RETRY_AFTER)) {
            // any other 503 (not ready), unless the route said longer
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
        }
        // a body refused as too large may still be arriving: close the connection after the answer rather than
        // read the rest of it (HTTP/1.x; on HTTP/2 the stream ends alone); after a malformed one, Vert.x closes it
        boolean close = (error.status() == 413 || ctx.failure() instanceof MalformedBodies.MalformedBodyException)
                && ctx.request().version() != HttpVersion.HTTP_2
                && !ctx.request().isEnded();
        if (close) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> sent = ctx.response()
                .setStatusCode(error.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(Json.write(new ErrorBody(error.error(), error.message(), RequestIds.of(ctx))));
        if (close) {
            sent.onComplete(done -> ctx.request().connection().close());
        }
    }

    /** The error of one batch item. */
    public static ItemError item(String key, Throwable failure) {
        ApiError e = classify(failure, -1);
        return new ItemError(key, e.error(), e.message());
    }

    private static ApiError byStatus(int status, Throwable t) {
        return switch (status) {
            case 400 -> new ApiError(400, "bad_request", "malformed request" + detail(t));
            case 401 -> new ApiError(401, "unauthorized", "missing or wrong token");
            case 404 -> new ApiError(404, "not_found", "no such resource");
            case 405 -> new ApiError(405, "method_not_allowed", "method not allowed on this resource");
            case 413 -> new ApiError(413, "too_large", "request body over the limit");
            case 415 -> new ApiError(415, "unsupported_media_type", "send Content-Type: application/json");
            case 503 -> new ApiError(503, "unavailable", "the service is not ready");
            default -> {
                if (status >= 400 && status < 500) {
                    yield new ApiError(status, "bad_request", "bad request");
                }
                LOG.error("internal error (status {})", status, t);
                yield new ApiError(500, "internal", "internal error");
            }
        };
    }

    private static String detail(Throwable t) {
        return t == null || t.getMessage() == null ? "" : ": " + truncate(t.getMessage());
    }

    private static ApiError json(JacksonException e) {
        String path = e instanceof JsonMappingException m ? path(m) : "";
        Throwable cause = e.getCause();
        if (e instanceof UnrecognizedPropertyException u) {
            return new ApiError(400, "validation", "unknown field '" + join(path) + "'");
        }
        if (e instanceof InputCoercionException || cause instanceof InputCoercionException) {
            return new ApiError(400, "validation", "field '" + join(path) + "' is out of range for its type");
        }
        if (e instanceof StreamConstraintsException || cause instanceof StreamConstraintsException) {
            return new ApiError(400, "validation", "a value is too long or too deeply nested");
        }
        if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
            String expected = e instanceof MismatchedInputException m && m.getTargetType() != null
                    ? " (expected " + typeName(m.getTargetType()) + ")"
                    : "";
            if (path.isEmpty()) {
                return new ApiError(
                        400, "validation", "the body must be a JSON object of the documented shape" + expected);
            }
            return new ApiError(400, "validation", "field '" + path + "' has the wrong type or value" + expected);
        }
        if (e instanceof StreamReadException || cause instanceof StreamReadException) {
            return new ApiError(400, "bad_request", "malformed JSON: " + truncate(e.getOriginalMessage()));
        }
        if (e instanceof ValueInstantiationException && cause instanceof IllegalArgumentException invalid) {
            // A record that checks its own fields (a pool's breaker thresholds): its message names the field
            return new ApiError(400, "validation", (path.isEmpty() ? "" : path + ".") + truncate(invalid.getMessage()));
        }
        if (e instanceof DatabindException) {
            return new ApiError(400, "validation", "invalid value" + (path.isEmpty() ? "" : " for '" + path + "'"));
        }
        return new ApiError(400, "bad_request", "malformed JSON");
    }

    private static String join(String path) {
        return path.isEmpty() ? "?" : path;
    }

    private static String path(JsonMappingException m) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return truncate(sb.toString());
    }

    private static String typeName(Class<?> type) {
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "a boolean";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        }
        if (java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String truncate(String s) {
        if (s == null) {
            return "";
        }
        String oneLine = s.replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE) + "...";
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
