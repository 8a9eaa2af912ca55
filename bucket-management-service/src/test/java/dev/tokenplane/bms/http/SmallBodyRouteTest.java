package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A route added with {@link ApiRouter#addSmallBody} on a real HTTP server, with API keys configured: its requests are
 * taken by {@link FastRoutes} (not Vert.x Web's regex route) and still pass every step of the guard in order (the
 * readiness gate, the API key, the content type), then the route's own step, then the body.
 */
class SmallBodyRouteTest {
    static final String KEY = "sbr-secret-key";
    static Vertx vertx;
    static Readiness readiness = new Readiness();
    static Api api;
    /** What the route's step before the body saw: the client, or "refused". */
    static final List<String> steps = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        Auth auth = new Auth(List.of(), Map.of(KEY, new Auth.ApiClient("sbr-client", null)));
        ApiRoutes group = router -> router.addSmallBody(
                HttpMethod.POST,
                "/v1/things/:id/take",
                Access.DECISION,
                (ctx, next) -> {
                    boolean refuse = ctx.request().getHeader("X-Refuse") != null;
                    synchronized (steps) {
                        steps.add(refuse ? "refused" : ctx.get(Auth.CLIENT_ID));
                    }
                    if (refuse) {
                        ErrorMapper.send(ctx, new ErrorMapper.ApiError(429, "refused", "the step refused"));
                    } else {
                        next.run();
                    }
                },
                (ctx, body) -> ctx.response()
                        // the route that ran the handler: a fast route has no path of its own
                        .putHeader("x-route", String.valueOf(ctx.currentRoute().getPath()))
                        .end(ctx.pathParam("id") + " " + (body == null ? "-" : body.toString())));
        Router router = ApiRouter.create(vertx, auth, (c, m, p, r, o, s, b, a) -> {}, readiness, 64, List.of(group));
        int port = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
        api = new Api("http://127.0.0.1:" + port, null);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Api.Response take(String path, String... headers) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return api.raw("POST", path, h, "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldGuardTheFastRouteAsTheRegexRoute() {
        // While the member starts: 503, before the key is even looked at
        readiness.ready(false);
        Api.Response starting = take("/v1/things/a/take");
        assertThat(starting.status()).isEqualTo(503);
        assertThat(starting.json().get("error").asText()).isEqualTo("unavailable");
        readiness.ready(true);
        // Without the API key: 401; with a wrong content type: 415; neither reaches the step
        assertThat(take("/v1/things/a/take").status()).isEqualTo(401);
        Api.Response text = take("/v1/things/a/take", "X-Api-Key", KEY, "Content-Type", "text/plain");
        assertThat(text.status()).isEqualTo(415);
        assertThat(text.json().get("error").asText()).isEqualTo("unsupported_media_type");
        synchronized (steps) {
            assertThat(steps).isEmpty();
        }
        // The step refuses: its answer, and the body is not handed on
        Api.Response refused = take("/v1/things/a/take", "X-Api-Key", KEY, "X-Refuse", "1");
        assertThat(refused.status()).isEqualTo(429);
        // Everything in order: the step saw the client, the handler the decoded id and the body
        Api.Response ok = take("/v1/things/a%2Fb/take/", "X-Api-Key", KEY);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("a/b {\"n\":1}");
        synchronized (steps) {
            assertThat(steps).containsExactly("refused", "sbr-client");
        }
        // taken by the fast route, not Vert.x Web's route for the path
        assertThat(ok.header("x-route")).isEqualTo("null");
    }

    @Test
    void shouldLeaveOtherMethodsToTheRegexRouteAndKeepTheBodyLimit() {
        readiness.ready(true);
        Api.Response put = api.raw(
                "PUT", "/v1/things/a/take", Map.of("Content-Type", "application/json", "X-Api-Key", KEY), new byte[2]);
        assertThat(put.status()).isEqualTo(405);
        assertThat(put.json().get("error").asText()).isEqualTo("method_not_allowed");
        // the body limit (64 bytes here) holds on the fast route
        Api.Response large = api.raw(
                "POST",
                "/v1/things/a/take",
                Map.of("Content-Type", "application/json", "X-Api-Key", KEY),
                ("{\"n\":\"" + "x".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(large.status()).isEqualTo(413);
    }
}
