package dev.tokenplane.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.runtime.http.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The example service's HTTP server ({@link ExampleService#listen}) against raw bytes on a keep-alive connection: a
 * login whose chunked body breaks off gets a JSON 400 and the connection is closed (not a silent close), without the
 * route seeing it, and the next login is served. The route is the login route's body handling, with a stand-in for
 * the password check (the real one asks a BMS).
 */
class ExampleServiceTest {
    private Vertx vertx;
    private final AtomicInteger logins = new AtomicInteger();
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.post("/login").handler(BodyHandler.create().setBodyLimit(4096)).handler(ctx -> {
            logins.incrementAndGet();
            ctx.response().end("{}");
        });
        port = ExampleService.listen(vertx, router, "127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswerAMalformedChunkedBodyWithJson400AndClose() throws IOException {
        // Given a login whose chunked body breaks off after a good chunk (a chunk size that is not hex)
        String request = "POST /login?user=alice HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"pas\r\nzz\r\n";

        // When it is sent on a keep-alive connection
        String answer = RawHttp.exchange(port, request);

        // Then 400 with the JSON error and Connection: close, the connection closed (exchange read to its end), and
        // the route never saw it
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close");
        assertThat(answer).contains("{\"error\":\"bad_request\",\"message\":\"malformed chunked body\"}");
        assertThat(logins).hasValue(0);

        // And a good login on a fresh connection is served
        String body = "{\"password\":\"x\"}";
        assertThat(RawHttp.exchange(
                        port,
                        "POST /login?user=alice HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body))
                .startsWith("HTTP/1.1 200 ");
        assertThat(logins).hasValue(1);
    }
}
