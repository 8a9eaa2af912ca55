package dev.tokenplane.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.support.Bms;
import dev.tokenplane.client.support.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The login recipe against a real BMS: a failed attempt costs a token of the user's, the IP's and the site's bucket; a
 * successful one gives them back (its leases are released); a refused attempt costs no bucket anything. Every attempt
 * comes from 127.0.0.1, one IP bucket of 30 that barely refills, so the tests run in order and count its tokens.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoginGuardTest {
    static final String PASSWORD = "the-right-password";
    static final String IP_KEY = "lg:ip:127.0.0.1";
    static Bms bms;
    static Vertx vertx;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        bms = Bms.start();
        bms.rule("lg-user", "{\"match\":\"lg:user:*\",\"capacity\":5,\"refillPerSecond\":0.005556}");
        bms.rule("lg-ip", "{\"match\":\"lg:ip:*\",\"capacity\":30,\"refillPerSecond\":0.0001}");
        bms.rule("lg-all", "{\"match\":\"lg:all\",\"capacity\":1000,\"refillPerSecond\":100}");
        vertx = Vertx.vertx();
        LoginRoute login = new LoginRoute(
                new LoginGuard(HttpClient.newHttpClient(), URI.create(bms.url()), null),
                "lg:",
                (user, password) -> password.equals(PASSWORD));
        Router app = Router.router(vertx);
        app.post("/login").handler(BodyHandler.create()).handler(login);
        HttpServer server = vertx.createHttpServer()
                .requestHandler(app)
                .listen(0, "127.0.0.1")
                .await();
        base = "http://127.0.0.1:" + server.actualPort();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        bms.close();
    }

    private static Http.Response attempt(String user, String password) {
        return Http.send(base, "POST", "/login?user=" + user, null, "{\"password\":\"" + password + "\"}");
    }

    @Test
    @Order(1)
    void shouldDenyTheSixthFailedAttemptAtNoCostToTheIp() {
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("alice", "guess" + i).status()).isEqualTo(401);
        }
        long ipBefore = bms.tokens(IP_KEY);

        Http.Response sixth = attempt("alice", PASSWORD);

        assertThat(ipBefore).isEqualTo(25); // each failed attempt kept its IP token
        assertThat(sixth.status()).isEqualTo(429); // even with the right password: the user's bucket is empty
        assertThat(sixth.json().getString("error")).isEqualTo("rate_limited");
        assertThat(Long.parseLong(sixth.header("Retry-After"))).isPositive();
        assertThat(bms.tokens(IP_KEY)).isEqualTo(ipBefore);
        assertThat(bms.tokens("lg:user:alice")).isZero();
    }

    @Test
    @Order(2)
    void shouldNeverLockOutAUserWhoseLoginsSucceed() {
        // 4 failures spread among 12 successes: 16 attempts on a bucket of 5, and every success is let in
        for (int round = 0; round < 4; round++) {
            assertThat(attempt("bob", "typo").status()).isEqualTo(401);
            for (int i = 0; i < 3; i++) {
                assertThat(attempt("bob", PASSWORD).status())
                        .as("round %d", round)
                        .isEqualTo(200);
            }
        }
        assertThat(bms.tokens("lg:user:bob")).isEqualTo(1); // the failures' tokens stay spent
        assertThat(bms.tokens(IP_KEY)).isEqualTo(21); // 25 - bob's 4 failures: the successes gave theirs back
    }

    @Test
    @Order(3)
    void shouldStopAGuessSpreadOverManyUsernamesWithTheIpBucket() {
        int failed = 0;
        int refused = 0;
        for (int i = 0; i < 30; i++) {
            int status = attempt("guess" + i, "password" + i).status();
            if (status == 401) {
                failed++;
            } else if (status == 429) {
                refused++;
            }
        }

        assertThat(failed).isEqualTo(21); // what was left of the IP bucket
        assertThat(refused).isEqualTo(9);
        assertThat(bms.tokens(IP_KEY)).isZero();
        // the IP refused them: the usernames' own tokens went back
        assertThat(bms.tokens("lg:user:guess29")).isEqualTo(5);
    }
}
