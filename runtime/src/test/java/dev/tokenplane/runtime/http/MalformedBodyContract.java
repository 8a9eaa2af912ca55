package dev.tokenplane.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every HTTP server that installs {@link MalformedBodies} must do, against raw bytes no HTTP client would send: a
 * request whose chunked body breaks off gets a JSON 400 {@code bad_request} and the connection is closed (not a silent
 * close), the route never sees it, and the next request is served. A server's test extends this with its route.
 */
public abstract class MalformedBodyContract {
    /** How long a read may wait: a server that keeps the connection open fails the test here, it does not hang it. */
    private static final int READ_DEADLINE_MS = 10_000;

    private Vertx vertx;
    private int port;

    /** Starts the server under test on loopback, on any free port. */
    protected abstract Future<HttpServer> listen(Vertx vertx);

    /** The request line's target of a route that reads a JSON body, such as {@code /login?user=alice}. */
    protected abstract String target();

    /** A body the route accepts (at least 6 bytes encoded: the broken request sends its first 5). */
    protected abstract JsonObject goodBody();

    /** The route's status for {@link #goodBody()}. */
    protected abstract int goodStatus();

    /** How many bodies the route has handled so far. */
    protected abstract int handled();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        port = listen(vertx)
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
        // Given a request whose chunked body breaks off after a good chunk (a chunk size that is not hex)
        String good = goodBody().encode();
        String request = "POST " + target() + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n" + good.substring(0, 5) + "\r\nzz\r\n";

        // When it is sent on a keep-alive connection
        String answer = exchange(request);

        // Then 400 with the JSON error and Connection: close, the connection closed (exchange read to its end), and
        // the route never saw it
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase(Locale.ROOT)).contains("connection: close");
        assertThat(answer).contains("{\"error\":\"bad_request\",\"message\":\"malformed chunked body\"}");
        assertThat(handled()).isZero();

        // And a good request on a fresh connection is served
        assertThat(exchange("POST " + target() + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + good.length() + "\r\nConnection: close\r\n\r\n" + good))
                .startsWith("HTTP/1.1 " + goodStatus() + " ");
        assertThat(handled()).isEqualTo(1);
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(READ_DEADLINE_MS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
            }
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
