package dev.tokenplane.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Bms;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Servlet application (embedded Jetty 12, EE10) behind the {@link RateLimitFilter}, against a real BMS: requests are
 * let through with the RateLimit headers until the bucket is empty, then answered 429 with {@code Retry-After} and the
 * JSON body without reaching the servlet; with a second bucket, all or nothing.
 */
class RateLimitFilterTest {
    static Bms bms;
    static RateLimiterClient client;
    static JettyApp app;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("sv", "{\"match\":\"sv:*\",\"capacity\":3,\"refillPerSecond\":0.1}");
        bms.rule("sv-route", "{\"match\":\"svr:*\",\"capacity\":2,\"refillPerSecond\":0.01}");
        bms.rule(
                "sv-priority",
                "{\"match\":\"svp:*\",\"capacity\":10,\"refillPerSecond\":0.001,\"priorityReserves\":{}}");
        // a generous timeout: the first decisions of a cold JVM (and a cold BMS in it) are slow on a busy machine
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
        app = new JettyApp(Map.of(
                "/api/*",
                        RateLimitFilter.builder(client)
                                .keyResolver(ServletKeyResolvers.header("X-Client-Id", "sv:"))
                                .failOpen(false)
                                .build(),
                "/routed/*",
                        RateLimitFilter.builder(client)
                                .keyResolver(ServletKeyResolvers.header("X-Client-Id", "sv:"))
                                .alsoKeyResolver(ServletKeyResolvers.path("svr:"))
                                .failOpen(false)
                                .build(),
                "/prioritised/*",
                        RateLimitFilter.builder(client)
                                .keyResolver(ServletKeyResolvers.header("X-Client-Id", "svp:"))
                                .failOpen(false)
                                .build()));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        client.close();
        bms.close();
    }

    @Test
    void shouldLetRequestsThroughUntilTheBucketIsEmptyThenAnswer429WithRetryAfter() throws Exception {
        // Given a bucket of 3 per client, refilling at 0.1/s
        int servedBefore = app.served.get();

        // When a client makes 4 requests
        HttpResponse<String> first = get("/api/orders", "alice");
        get("/api/orders", "alice");
        HttpResponse<String> third = get("/api/orders", "alice");
        HttpResponse<String> fourth = get("/api/orders", "alice");

        // Then 3 reach the servlet, with the RateLimit headers counting down
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("hello");
        assertThat(first.headers().firstValue("RateLimit-Policy")).hasValue("\"default\";q=3;w=30");
        assertThat(first.headers().firstValue("RateLimit"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("\"default\";r=2;"));
        assertThat(third.statusCode()).isEqualTo(200);
        // and the 4th gets a 429 with Retry-After (a token takes 10 s at 0.1/s) and the JSON body, without reaching it
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Retry-After").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1L, 10L));
        assertThat(fourth.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(fourth.body()).startsWith("{\"error\":\"rate_limited\",").contains("\"retryAfterMs\":");
        assertThat(app.served.get() - servedBefore).isEqualTo(3);
        assertThat(bms.tokens("sv:alice")).isZero();
        // and another client has its own bucket
        assertThat(get("/api/orders", "bob").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldLetARequestWithoutAKeyPassUnlimited() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/anonymous", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldTakeFromBothBucketsOrFromNeither() throws Exception {
        // Given a route bucket of 2 shared by every client, and a bucket of 3 per client
        // When carol makes 2 requests, and dave then makes one
        assertThat(get("/routed/report", "carol").statusCode()).isEqualTo(200);
        assertThat(get("/routed/report", "carol").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = get("/routed/report", "dave");

        // Then the route bucket denies dave, and his own bucket lost nothing (the atomic call gave it back)
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("Retry-After")).isPresent();
        assertThat(bms.tokens(URLEncoder.encode("svr:GET:/routed/report", StandardCharsets.UTF_8)))
                .isZero();
        assertThat(bms.tokens("sv:carol")).isEqualTo(1);
        assertThat(bms.tokens("sv:dave")).isIn(-1L, 3L);
    }

    @Test
    void shouldAskInTheClassOfTheXPriorityHeaderSoLowerClassesAreRefusedFirst() throws Exception {
        // Given a bucket of 10 (no refill to speak of) with 2 tokens left, taken by critical requests
        for (int i = 0; i < 8; i++) {
            assertThat(app.get("/prioritised/a", "X-Client-Id", "erin", "X-Priority", "critical")
                            .statusCode())
                    .isEqualTo(200);
        }

        // Then low (reserve 2 tokens) is refused, normal (reserve 1) takes one more, and critical the last
        assertThat(app.get("/prioritised/a", "X-Client-Id", "erin", "X-Priority", "low")
                        .statusCode())
                .isEqualTo(429);
        assertThat(app.get("/prioritised/a", "X-Client-Id", "erin").statusCode())
                .isEqualTo(200);
        assertThat(app.get("/prioritised/a", "X-Client-Id", "erin").statusCode())
                .isEqualTo(429);
        assertThat(app.get("/prioritised/a", "X-Client-Id", "erin", "X-Priority", "critical")
                        .statusCode())
                .isEqualTo(200);
        assertThat(bms.tokens("svp:erin")).isZero();
    }

    private static HttpResponse<String> get(String path, String clientId) throws Exception {
        return clientId == null ? app.get(path) : app.get(path, "X-Client-Id", clientId);
    }
}
