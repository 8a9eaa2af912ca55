package dev.tokenplane.client.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.client.support.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The login-protection recipe: per-username (5 per 15 minutes), per-IP (20 per minute) and a global guard on one
 * handler, checked all at once. A denied attempt costs the other buckets nothing.
 * Both tests come from 127.0.0.1, one IP bucket: the username test goes first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginProtectionTest {
    static Bms bms;
    static Vertx vertx;
    static RateLimiterClient client;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("lp-user", "{\"match\":\"lp:user:*\",\"capacity\":5,\"refillPerSecond\":0.005556}");
        bms.rule("lp-ip", "{\"match\":\"lp:ip:*\",\"capacity\":20,\"refillPerSecond\":0.333333}");
        bms.rule("lp-all", "{\"match\":\"lp:all\",\"capacity\":1000,\"refillPerSecond\":100}");
        vertx = Vertx.vertx();
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
        Router app = Router.router(vertx);
        app.post("/login")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.param("user", "lp:user:"))
                        .alsoKeyResolver(KeyResolvers.ip("lp:ip:"))
                        .alsoKeyResolver(KeyResolvers.fixed("lp:all"))
                        .failOpen(false)
                        .latencyAgentUrl(null)
                        .build());
        app.route().handler(ctx -> ctx.response().setStatusCode(401).end("{\"error\":\"wrong_password\"}"));
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

    private static int attempt(String user) {
        return Http.send(base, "POST", "/login?user=" + user, null, null).status();
    }

    @Test
    @Order(1)
    void shouldDenyTheSixthAttemptForOneUserAtNoCostToTheIp() {
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("alice")).isEqualTo(401); // wrong password: the attempt reached the app
        }
        long ipBefore = bms.tokens("lp:ip:127.0.0.1");

        Http.Response sixth = Http.send(base, "POST", "/login?user=alice", null, null);

        assertThat(sixth.status()).isEqualTo(429);
        assertThat(Long.parseLong(sixth.header("Retry-After"))).isGreaterThan(60);
        assertThat(bms.tokens("lp:ip:127.0.0.1")).isEqualTo(ipBefore);
        assertThat(bms.tokens("lp:all")).isGreaterThanOrEqualTo(1000 - 5);
    }

    @Test
    @Order(2)
    void shouldStopAGuessAcrossManyUsernamesFromOneIp() {
        long left = bms.tokens("lp:ip:127.0.0.1");
        int passed = 0;
        int denied = 0;
        for (int i = 0; i < 30; i++) {
            int status = attempt("user" + i);
            if (status == 401) {
                passed++;
            } else {
                assertThat(status).isEqualTo(429);
                denied++;
            }
        }
        long ipTokens = left < 0 ? 20 : left;
        // each username is fresh; only the IP bucket (20 per minute, a token or so of refill) stops them
        assertThat(passed).isBetween((int) ipTokens, (int) ipTokens + 2);
        assertThat(denied).isEqualTo(30 - passed);
    }
}
