package dev.tokenplane.agent;

import static dev.tokenplane.agent.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.http.FakeBms;
import dev.tokenplane.agent.http.FakeBms.Mode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole agent, sampling this machine through OSHI, against a BMS stand-in started by the test. */
class AgentRunnerTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Vertx vertx;
    private FakeBms bms;

    @BeforeEach
    void startBms() throws Exception {
        vertx = Vertx.vertx();
        bms = FakeBms.start(vertx);
        closeables.add(bms);
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private AgentRunner agent(AgentConfig.Builder builder) throws Exception {
        AgentRunner runner = AgentRunner.start(builder.serverId("it-web-1")
                .bmsUrls(bms.url())
                .bmsToken("agent-token")
                .intervalMillis(200)
                .port(0)
                .set(AgentSetting.REGION, "eu-west")
                .set(AgentSetting.POOL, "checkout")
                .build());
        closeables.add(runner);
        return runner;
    }

    private HttpResponse<String> get(AgentRunner agent, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(AgentRunner agent, String contentType, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/v1/latency"))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportMachineLoadAndPushedLatencyToTheBms() throws Exception {
        AgentRunner agent = agent(AgentConfig.builder());

        // Given the service pushed 1, 2, ..., 100 ms
        String samples =
                IntStream.rangeClosed(1, 100).mapToObj(Integer::toString).collect(Collectors.joining(","));
        HttpResponse<String> pushed = post(agent, "application/json", "{\"samplesMs\":[" + samples + "]}");
        assertThat(pushed.statusCode()).isEqualTo(202);
        assertThat(new JsonObject(pushed.body()).getInteger("accepted")).isEqualTo(100);

        // Then a report carries their percentiles and rate, with the machine's load, under the server's id
        await(
                WAIT,
                "a report with requests",
                () -> bms.accepted().stream().anyMatch(r -> r.body().getDouble("requestsPerSecond") > 0));
        FakeBms.Request request = bms.accepted().stream()
                .filter(r -> r.body().getDouble("requestsPerSecond") > 0)
                .findFirst()
                .orElseThrow();
        JsonObject body = request.body();
        assertThat(request.path()).isEqualTo("/v1/agents/it-web-1/reports");
        assertThat(request.authorization()).isEqualTo("Bearer agent-token");
        assertThat(body.getDouble("latencyP50Ms")).isCloseTo(50.0, within(0.1));
        assertThat(body.getDouble("latencyP99Ms")).isCloseTo(99.0, within(0.1));
        // 100 requests in one interval of about 200 ms
        assertThat(body.getDouble("requestsPerSecond")).isBetween(100.0, 1_000.0);
        assertThat(body.getString("region")).isEqualTo("eu-west");
        assertThat(body.getString("pool")).isEqualTo("checkout");
        assertThat(body.getDouble("cpu")).isBetween(0.0, 1.0);
        assertThat(body.getDouble("memory")).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(body.getLong("timestamp")).isCloseTo(System.currentTimeMillis(), within(60_000L));
        for (String rate : List.of(
                "loadPerCore", "netRxBytesPerSec", "netTxBytesPerSec", "diskReadBytesPerSec", "diskWriteBytesPerSec")) {
            assertThat(body.getDouble(rate)).as(rate).isGreaterThanOrEqualTo(0.0);
        }
        // Only one interval had the samples
        assertThat(bms.accepted().stream().filter(r -> r.body().getDouble("requestsPerSecond") > 0))
                .hasSize(1);
    }

    @Test
    void shouldServeHealthAndMetricsWithTheAgreedNames() throws Exception {
        AgentRunner agent = agent(AgentConfig.builder());
        await(WAIT, "two reports sent", () -> agent.metrics().reportsSent() >= 2);

        HttpResponse<String> health = get(agent, "/health");
        HttpResponse<String> metrics = get(agent, "/metrics");

        assertThat(health.statusCode()).isEqualTo(200);
        JsonObject status = new JsonObject(health.body());
        assertThat(status.getString("status")).isEqualTo("UP");
        assertThat(status.getString("serverId")).isEqualTo("it-web-1");
        assertThat(status.getString("bmsUrl")).isEqualTo(bms.url());
        assertThat(status.encode()).doesNotContain("agent-token");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains(
                        "agent_samples_total",
                        "agent_reports_sent_total",
                        "agent_reports_failed_total",
                        "agent_reports_dropped_total",
                        "agent_backoff_seconds",
                        "agent_buffer_size");
        assertThat(metrics.body())
                .as("the JVM and process binders")
                .contains(
                        "\njvm_memory_used_bytes{",
                        "\njvm_gc_",
                        "\njvm_threads_live_threads ",
                        "\nprocess_cpu_usage ",
                        "\nprocess_uptime_seconds ",
                        "\nprocess_files_open_files ");
    }

    @Test
    void shouldRejectBadLatencyInputWithJsonErrorsAndRecordNothing() throws Exception {
        AgentRunner agent = agent(AgentConfig.builder());

        assertError(post(agent, "text/plain", "{\"samplesMs\":[1]}"), 415, "unsupported_media_type");
        assertError(post(agent, "application/json", "{\"samplesMs\":[1,"), 400, "bad_request");
        assertError(post(agent, "application/json", "[1,2]"), 400, "validation");
        assertError(post(agent, "application/json", "{}"), 400, "validation");
        assertError(post(agent, "application/json", "{\"samplesMs\":[1],\"extra\":1}"), 400, "validation");
        HttpResponse<String> negative = post(agent, "application/json", "{\"samplesMs\":[1,-2]}");
        assertError(negative, 400, "validation");
        assertThat(new JsonObject(negative.body()).getString("message")).contains("samplesMs[1]");
        assertError(post(agent, "application/json", "{\"samplesMs\":[\"12\"]}"), 400, "validation");
        assertError(post(agent, "application/json", "{\"samplesMs\":[3600001]}"), 400, "validation");
        String huge = "{\"samplesMs\":[" + "1,".repeat(40_000) + "1]}";
        assertError(post(agent, "application/json", huge), 413, "too_large");
        assertError(get(agent, "/nowhere"), 404, "not_found");

        // Nothing was recorded: the next reports have no requests
        double sentBefore = agent.metrics().reportsSent();
        await(WAIT, "two more reports", () -> agent.metrics().reportsSent() >= sentBefore + 2);
        assertThat(bms.accepted())
                .allSatisfy(
                        r -> assertThat(r.body().getDouble("requestsPerSecond")).isZero());
    }

    @Test
    void shouldKeepSamplingWhileTheBmsHangs() throws Exception {
        // Given a BMS that never answers, and a request timeout longer than this test waits
        bms.mode(Mode.HANG);
        AgentRunner agent = agent(AgentConfig.builder().set(AgentSetting.REQUEST_TIMEOUT_MS, "60000"));

        // Then ticks go on at their own pace and reports pile up in the buffer
        await(WAIT, "ten ticks", () -> agent.metrics().samples() >= 10);
        assertThat(bms.attempts()).hasSizeLessThanOrEqualTo(1);
        assertThat(agent.reporter().buffered()).isGreaterThanOrEqualTo(5);
        assertThat(agent.metrics().reportsSent()).isZero();
    }

    @Test
    void shouldTakeLatencyFromAScrapedPrometheusHistogram() throws Exception {
        // Given a service whose histogram gains 50 requests <= 10 ms and 50 in (10, 100] ms per scrape
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer service = vertx.createHttpServer()
                .requestHandler(request -> {
                    int n = scrapes.incrementAndGet();
                    request.response().putHeader("Content-Type", "text/plain").end("""
                    # TYPE http_server_requests_seconds histogram
                    http_server_requests_seconds_bucket{uri="/x",le="0.01"} %d
                    http_server_requests_seconds_bucket{uri="/x",le="0.1"} %d
                    http_server_requests_seconds_bucket{uri="/x",le="+Inf"} %d
                    """.formatted(
                                    50 * n, 100 * n, 100 * n));
                })
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        closeables.add(
                () -> service.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));

        agent(AgentConfig.builder()
                .set(AgentSetting.SCRAPE_URL, "http://127.0.0.1:" + service.actualPort() + "/metrics"));

        // Then reports carry PromQL-style percentiles of the growth between scrapes
        await(
                WAIT,
                "a report with scraped requests",
                () -> bms.accepted().stream().anyMatch(r -> r.body().getDouble("requestsPerSecond") > 0));
        JsonObject body = bms.accepted().stream()
                .map(FakeBms.Request::body)
                .filter(b -> b.getDouble("requestsPerSecond") > 0)
                .findFirst()
                .orElseThrow();
        assertThat(body.getDouble("latencyP50Ms")).isCloseTo(10.0, within(1e-6));
        assertThat(body.getDouble("latencyP99Ms")).isCloseTo(98.2, within(1e-6));
    }

    private static void assertError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        JsonObject error = new JsonObject(response.body());
        assertThat(error.getString("error")).isEqualTo(code);
        assertThat(error.getString("message")).isNotBlank();
    }
}
