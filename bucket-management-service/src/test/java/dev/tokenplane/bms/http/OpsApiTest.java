package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Health, metrics, the OpenAPI document, the sizing seam, and the answers to unknown routes. */
class OpsApiTest extends SharedBmsTest {

    @Test
    void shouldAnswerHealthWithoutAToken() {
        Api.Response live = api.getAnonymous("/health/live");
        Api.Response ready = api.getAnonymous("/health/ready");

        assertThat(live.status()).isEqualTo(200);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
        assertThat(ready.json().get("members").asInt()).isEqualTo(1);
    }

    @Test
    void shouldExportTheTeamsMetricNames() {
        api.put(
                "/v1/rules/ops",
                Map.of(
                        "match",
                        "ops:*",
                        "capacity",
                        1,
                        "refillPerSecond",
                        0.001,
                        "transfer",
                        Map.of("pool", "ops-pool")));
        api.post("/v1/buckets/ops:a/acquire", "{}");
        api.post("/v1/buckets/ops:a/acquire", "{}");
        api.post("/v1/buckets/ops:a/acquire", Map.of("tokens", 2));

        Api.Response r = api.getAnonymous("/metrics");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).startsWith("text/plain");
        String m = r.body();
        assertThat(m).contains("bms_decisions_total{outcome=\"granted\",rule=\"ops\"} 1.0");
        assertThat(m).contains("bms_decisions_total{outcome=\"denied\",rule=\"ops\"} 1.0");
        assertThat(m).contains("bms_decisions_total{outcome=\"rejected\",rule=\"ops\"} 1.0");
        assertThat(m).contains("bms_decision_latency_seconds_bucket");
        assertThat(m).containsPattern("bms_buckets [1-9]");
        assertThat(m).contains("bms_resizes_total{direction=\"grow\",rule=\"ops\"} 0.0");
        assertThat(m).contains("bms_transfers_total{outcome=\"ok\",pool=\"ops-pool\"} 0.0");
        assertThat(m).contains("bms_transfer_tokens_total{pool=\"ops-pool\"} 0.0");
        assertThat(m).contains("bms_breaker_state{pool=\"ops-pool\",state=\"closed\"} 1.0");
        assertThat(m).contains("bms_agents{state=\"fresh\"}");
        assertThat(m).contains("vertx_http_server_requests_total"); // Vert.x's own HTTP metrics
    }

    /** Any client that reaches the port chooses the method of its request line: made-up ones share one series. */
    @Test
    void shouldCountMadeUpMethodsInOneSeriesInsteadOfAddingOneEach() throws Exception {
        URI base = URI.create(api.base());
        for (int i = 0; i < 30; i++) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream()
                        .write(("MADEUP" + i + " /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 405");
            }
        }

        String m = api.getAnonymous("/metrics").body();

        assertThat(m).doesNotContain("MADEUP");
        assertThat(m)
                .containsPattern("vertx_http_server_requests_total\\{code=\"405\",method=\"_OTHER\"} [3-9][0-9]\\.0");
    }

    @Test
    void shouldServeTheOpenApiDocument() {
        Api.Response r = api.getAnonymous("/openapi.json");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("openapi").asText()).startsWith("3.");
        assertThat(r.json().get("paths").has("/v1/buckets/{key}/acquire")).isTrue();
    }

    @Test
    void shouldRunTheSizingTaskPeriodically() {
        int before = bms.sizingTicks.get();
        Await.until(() -> bms.sizingTicks.get() >= before + 3);
    }

    @Test
    void shouldAnswerUnknownRoutesAndMethodsWithJson() {
        Api.Response unknown = api.get("/v2/nothing");
        Api.Response method = api.send("PATCH", "/v1/rules/x", "{}", true);

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).isEqualTo("not_found");
        assertThat(method.status()).isEqualTo(405);
        assertThat(method.json().get("error").asText()).isEqualTo("method_not_allowed");
    }
}
