package dev.tokenplane.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.AgentMetrics;
import dev.tokenplane.agent.core.LatencyRecorder;
import dev.tokenplane.runtime.http.RawHttp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's HTTP server against raw bytes on a keep-alive connection: a latency intake whose chunked body breaks
 * off gets a JSON 400 and the connection is closed (not a silent close), and the next intake is served.
 */
class AgentHttpServerTest {
    private Vertx vertx;
    private LatencyRecorder latency;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        latency = new LatencyRecorder(System.nanoTime());
        port = new AgentHttpServer(vertx, new AgentMetrics(), latency, () -> new JsonObject().put("status", "UP"))
                .listen("127.0.0.1", 0)
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
        // Given a latency intake whose chunked body breaks off after a good chunk (a chunk size that is not hex)
        String request = "POST /v1/latency HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"sam\r\nzz\r\n";

        // When it is sent on a keep-alive connection
        String answer = RawHttp.exchange(port, request);

        // Then 400 with the JSON error and Connection: close, the connection closed (exchange read to its end), and
        // nothing recorded
        assertThat(answer).startsWith("HTTP/1.1 400 ");
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
        assertThat(answer).contains("{\"error\":\"bad_request\",\"message\":\"malformed chunked body\"}");
        assertThat(latency.drain(System.nanoTime()).requests()).isZero();

        // And a good intake on a fresh connection is served
        String body = "{\"samplesMs\":[1.5]}";
        assertThat(RawHttp.exchange(
                        port,
                        "POST /v1/latency HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body))
                .startsWith("HTTP/1.1 202 ");
    }
}
