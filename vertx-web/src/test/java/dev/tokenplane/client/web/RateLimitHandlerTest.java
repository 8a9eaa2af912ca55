package dev.tokenplane.client.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.store.Priority;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The middleware end to end: a Vert.x service behind {@link RateLimitHandler}, a real BMS, a real HTTP client, and a
 * stand-in for the load agent's latency intake.
 */
class RateLimitHandlerTest {
    static Bms bms;
    static Vertx vertx;
    static RateLimiterClient client;
    static String base;
    static final List<Double> agentSamples = new CopyOnWriteArrayList<>();
    static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("mw", "{\"match\":\"mw:*\",\"capacity\":3,\"refillPerSecond\":0.5}");
        bms.rule("mw-queue", "{\"match\":\"mwq:*\",\"capacity\":1,\"refillPerSecond\":10}");
        bms.rule(
                "mw-priority",
                "{\"match\":\"mwp:*\",\"capacity\":10,\"refillPerSecond\":0.001,\"priorityReserves\":{}}");
        vertx = Vertx.vertx();
        // a generous timeout: the first decisions of a cold JVM (and a cold BMS in it) are slow on a busy machine
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();

        // the load agent's intake: POST /v1/latency {"samplesMs": [...]} -> 202
        Router agent = Router.router(vertx);
        agent.post("/v1/latency").handler(BodyHandler.create()).handler(ctx -> {
            JsonArray samples = ctx.body().asJsonObject().getJsonArray("samplesMs");
            samples.forEach(s -> agentSamples.add(((Number) s).doubleValue()));
            ctx.response()
                    .setStatusCode(202)
                    .end(new JsonObject().put("accepted", samples.size()).encode());
        });
        HttpServer agentServer = vertx.createHttpServer()
                .requestHandler(agent)
                .listen(0, "127.0.0.1")
                .await();
        URI agentUrl = URI.create("http://127.0.0.1:" + agentServer.actualPort() + "/v1/latency");

        Router app = Router.router(vertx);
        app.get("/limited")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.apiKey("mw:"))
                        .latencyAgentUrl(agentUrl)
                        .build());
        app.get("/queued")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.fixed("mwq:all"))
                        .delayMode(Duration.ofSeconds(3))
                        .latencyAgentUrl(null)
                        .build());
        app.get("/unqueued")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.fixed("mwq:other"))
                        .latencyAgentUrl(null)
                        .build());
        app.get("/norule")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.fixed("zz-nothing"))
                        .latencyAgentUrl(null)
                        .build());
        app.get("/prioritised")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.fixed("mwp:all"))
                        .latencyAgentUrl(null)
                        .build());
        app.get("/low-only")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.fixed("mwp:all"))
                        .priorityResolver(PriorityResolvers.fixed(Priority.LOW))
                        .latencyAgentUrl(null)
                        .build());
        app.route().handler(ctx -> ctx.response().end("ok"));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(app)
                .listen(0, "127.0.0.1")
                .await();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterAll
    static void stop() {
        client.close();
        vertx.close().await();
        bms.close();
    }

    @Test
    void shouldAskInTheClassOfTheXPriorityHeaderSoLowerClassesAreRefusedFirst() throws Exception {
        // Given a bucket of 10 (no refill to speak of) with 2 tokens left
        for (int i = 0; i < 8; i++) {
            assertThat(send("/prioritised", "X-Priority", "critical").statusCode())
                    .isEqualTo(200);
        }

        // Then low (reserve 2 tokens) is refused, also when a route fixes the class whatever the caller sends
        assertThat(send("/prioritised", "X-Priority", "low").statusCode()).isEqualTo(429);
        assertThat(send("/low-only", "X-Priority", "critical").statusCode()).isEqualTo(429);
        // normal (no header, or an unknown value; reserve 1 token) takes one more, then is refused
        assertThat(send("/prioritised", "X-Priority", "urgent").statusCode()).isEqualTo(200);
        assertThat(http.send(request("/prioritised", null), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(429);
        // and critical takes the last token
        assertThat(send("/prioritised", "X-Priority", "CRITICAL").statusCode()).isEqualTo(200);
        assertThat(send("/prioritised", "X-Priority", "critical").statusCode()).isEqualTo(429);
    }

    private static HttpResponse<String> send(String path, String header, String value) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header(header, value)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldLetARequestThroughWithTheRateLimitHeaders() throws Exception {
        HttpResponse<String> r = get("/limited", "alice");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        // capacity 3 at 0.5/s: 3 per 6 s; 2 left, full again in 2 s
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=6");
        assertThat(r.headers().firstValue("RateLimit")).hasValue("\"default\";r=2;t=2");
    }

    @Test
    void shouldAnswer429WithRetryAfterOnceTheKeyIsOutOfTokens() throws Exception {
        // Given the three tokens of key bob used
        for (int i = 0; i < 3; i++) {
            assertThat(get("/limited", "bob").statusCode()).isEqualTo(200);
        }

        // When bob asks again
        HttpResponse<String> r = get("/limited", "bob");

        // Then a 429 says when to come back, in Retry-After and in the RateLimit headers
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=6");
        assertThat(r.headers().firstValue("RateLimit")).hasValue("\"default\";r=0;t=2");
        JsonObject body = new JsonObject(r.body());
        assertThat(body.getString("error")).isEqualTo("rate_limited");
        assertThat(body.getLong("retryAfterMs")).isBetween(1L, 2_000L);
        // and another key is not affected
        assertThat(get("/limited", "carol").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldHoldRequestsInDelayModeInsteadOfRefusingThem() throws Exception {
        // Given a bucket of 1 refilling at 10/s, and 4 requests at once
        List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> unqueued = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            queued.add(http.sendAsync(request("/queued", null), HttpResponse.BodyHandlers.ofString()));
            unqueued.add(http.sendAsync(request("/unqueued", null), HttpResponse.BodyHandlers.ofString()));
        }

        // Then in delay mode all four get through, spaced by the refill (the last after about 300 ms)
        assertThat(queued.stream().map(f -> f.join().statusCode())).containsOnly(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);
        // while without it, the same burst is refused in part
        assertThat(unqueued.stream().map(f -> f.join().statusCode())).contains(200, 429);
    }

    @Test
    void shouldPushRequestLatenciesToTheLoadAgent() throws Exception {
        int before = agentSamples.size();
        for (int i = 0; i < 5; i++) {
            get("/limited", "dave-" + i);
        }

        Await.quietly(() -> agentSamples.size() >= before + 5, 5_000);

        assertThat(agentSamples.size() - before).isGreaterThanOrEqualTo(5);
        assertThat(agentSamples).allMatch(ms -> ms >= 0 && ms < 10_000);
    }

    @Test
    void shouldLetARequestThroughWhenNoRuleServesItsKey() throws Exception {
        HttpResponse<String> r = get("/norule", null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("RateLimit")).isEmpty();
    }

    private static HttpResponse<String> get(String path, String apiKey) throws Exception {
        return http.send(request(path, apiKey), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            b.header("X-Api-Key", apiKey);
        }
        return b.GET().build();
    }
}
