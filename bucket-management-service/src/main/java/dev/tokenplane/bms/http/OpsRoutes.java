package dev.tokenplane.bms.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Health, Prometheus metrics and the OpenAPI document: public, no token. */
public final class OpsRoutes implements ApiRoutes {
    /** The OpenAPI 3 description of the API, a resource on the class path. */
    public static final String OPENAPI = "/dev/tokenplane/bms/openapi.json";

    private final Vertx vertx;
    private final Readiness readiness;
    private final Supplier<Integer> clusterSize;
    private final PrometheusMeterRegistry prometheus;
    private final Buffer openApi;

    public OpsRoutes(
            Vertx vertx, Readiness readiness, Supplier<Integer> clusterSize, PrometheusMeterRegistry prometheus) {
        this.vertx = vertx;
        this.readiness = readiness;
        this.clusterSize = clusterSize;
        this.prometheus = prometheus;
        this.openApi = Buffer.buffer(openApiDocument());
    }

    /** The bytes of the OpenAPI document. */
    public static byte[] openApiDocument() {
        try (InputStream in = OpsRoutes.class.getResourceAsStream(OPENAPI)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + OPENAPI);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void mount(ApiRouter router) {
        router.add(
                HttpMethod.GET, "/health/live", Access.PUBLIC, ctx -> Replies.json(ctx, 200, Map.of("status", "live")));
        router.add(HttpMethod.GET, "/health/ready", Access.PUBLIC, this::ready);
        router.add(HttpMethod.GET, "/metrics", Access.PUBLIC, this::metrics);
        router.add(
                HttpMethod.GET,
                "/openapi.json",
                Access.PUBLIC,
                ctx -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(openApi));
    }

    private void ready(RoutingContext ctx) {
        Readiness.State state = readiness.state();
        java.util.Optional<String> fault =
                state == Readiness.State.READY ? readiness.fault() : java.util.Optional.empty();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", fault.isPresent() ? "degraded" : state.name().toLowerCase(java.util.Locale.ROOT));
        fault.ifPresent(reason -> body.put("reason", reason));
        if (state == Readiness.State.READY) {
            body.put("members", clusterSize.get());
        }
        Replies.json(ctx, state == Readiness.State.READY && fault.isEmpty() ? 200 : 503, body);
    }

    private void metrics(RoutingContext ctx) {
        // Some gauges (the bucket count) ask the cluster: scrape on a worker.
        Replies.then(
                ctx,
                vertx.executeBlocking(prometheus::scrape, false),
                text -> ctx.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                        .end(text));
    }
}
