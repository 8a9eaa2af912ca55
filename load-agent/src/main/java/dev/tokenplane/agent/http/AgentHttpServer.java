package dev.tokenplane.agent.http;

import dev.tokenplane.agent.AgentMetrics;
import dev.tokenplane.agent.core.LatencyRecorder;
import dev.tokenplane.runtime.http.MalformedBodies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The agent's own HTTP endpoints, bound to loopback by default:
 * <ul>
 *   <li>{@code GET /health}: 200 {@code {"status":"UP",...}} while sampling keeps up, else 503 {@code "DOWN"};</li>
 *   <li>{@code GET /metrics}: Prometheus text ({@link AgentMetrics});</li>
 *   <li>{@code POST /v1/latency} {@code {"samplesMs":[12.5, 3.0]}}: 202 {@code {"accepted":n}}. Bad input gets a 4xx
 *       {@code {"error","message"}} and records nothing: 400 {@code bad_request} (malformed JSON, or a chunked body
 *       the HTTP decoder cannot read: then the connection is closed),
 *       400 {@code validation} (wrong shape, unknown field, sample out of range), 413 {@code too_large},
 *       415 {@code unsupported_media_type}.</li>
 * </ul>
 */
public final class AgentHttpServer {

    /** Largest accepted request body. */
    public static final int MAX_BODY_BYTES = 65_536;
    /** Most samples in one intake request. */
    public static final int MAX_SAMPLES = 10_000;

    private static final Set<String> INTAKE_FIELDS = Set.of("samplesMs");

    private final Vertx vertx;
    private final AgentMetrics metrics;
    private final LatencyRecorder latency;
    private final Supplier<JsonObject> health;

    /**
     * @param vertx   the Vert.x instance
     * @param metrics the agent's metrics
     * @param latency where accepted samples go
     * @param health  the health body; its {@code "status"} is {@code "UP"} or {@code "DOWN"}
     */
    public AgentHttpServer(Vertx vertx, AgentMetrics metrics, LatencyRecorder latency, Supplier<JsonObject> health) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.latency = latency;
        this.health = health;
    }

    /**
     * Starts listening.
     *
     * @param host bind address
     * @param port port, 0 for any free one
     * @return the listening server
     */
    public Future<HttpServer> listen(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/health").handler(this::health);
        router.get("/metrics")
                .handler(ctx -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(metrics.scrape()));
        router.post("/v1/latency")
                .consumes("application/json")
                .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
                .handler(this::intake);
        router.errorHandler(
                404,
                ctx -> error(
                        ctx,
                        404,
                        "not_found",
                        "no such endpoint: " + ctx.request().path()));
        router.errorHandler(413, ctx -> error(ctx, 413, "too_large", "body over " + MAX_BODY_BYTES + " bytes"));
        router.errorHandler(400, ctx -> error(ctx, 400, "bad_request", "malformed request"));
        router.errorHandler(
                415, ctx -> error(ctx, 415, "unsupported_media_type", "Content-Type must be application/json"));
        router.errorHandler(405, ctx -> error(ctx, 405, "method_not_allowed", "method not allowed here"));
        router.errorHandler(500, ctx -> error(ctx, 500, "internal", "internal error"));
        router.route().failureHandler(ctx -> {
            if (ctx.failure() instanceof MalformedBodies.MalformedBodyException) {
                MalformedBodies.answer(ctx.response());
            } else {
                ctx.next(); // to the error handler of its status
            }
        });
        return vertx.createHttpServer()
                .requestHandler(router)
                .connectionHandler(
                        MalformedBodies::install) // a malformed chunked body gets its 400, not a silent close
                .listen(port, host);
    }

    private void health(RoutingContext ctx) {
        JsonObject body = health.get();
        boolean up = "UP".equals(body.getString("status"));
        ctx.response()
                .setStatusCode(up ? 200 : 503)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body.encode());
    }

    private void intake(RoutingContext ctx) {
        Object parsed;
        try {
            parsed = ctx.body().buffer() == null ? null : ctx.body().buffer().toJsonValue();
        } catch (DecodeException e) {
            error(ctx, 400, "bad_request", "body is not valid JSON");
            return;
        }
        if (!(parsed instanceof JsonObject body)) {
            error(ctx, 400, "validation", "body must be a JSON object {\"samplesMs\": [...]}");
            return;
        }
        for (String field : body.fieldNames()) {
            if (!INTAKE_FIELDS.contains(field)) {
                error(ctx, 400, "validation", "unknown field '" + field + "'; allowed: samplesMs");
                return;
            }
        }
        if (!(body.getValue("samplesMs") instanceof JsonArray samples)) {
            error(ctx, 400, "validation", "samplesMs is required and must be an array of numbers");
            return;
        }
        if (samples.size() > MAX_SAMPLES) {
            error(ctx, 400, "validation", "samplesMs has " + samples.size() + " items; at most " + MAX_SAMPLES);
            return;
        }
        double[] values = new double[samples.size()];
        for (int i = 0; i < values.length; i++) {
            Object item = samples.getValue(i);
            double value = item instanceof Number number ? number.doubleValue() : Double.NaN;
            if (!(value >= 0 && value <= LatencyRecorder.MAX_SAMPLE_MS)) {
                error(
                        ctx,
                        400,
                        "validation",
                        "samplesMs[" + i + "] must be a number of ms in [0, " + (long) LatencyRecorder.MAX_SAMPLE_MS
                                + "]; got " + item);
                return;
            }
            values[i] = value;
        }
        for (double value : values) {
            latency.record(value);
        }
        ctx.response()
                .setStatusCode(202)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("accepted", values.length).encode());
    }

    static void error(RoutingContext ctx, int status, String code, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", code).put("message", message).encode());
    }
}
