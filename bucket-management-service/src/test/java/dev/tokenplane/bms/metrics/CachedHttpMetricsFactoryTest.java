package dev.tokenplane.bms.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Await;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The cached HTTP server metrics against Vert.x's own, side by side: two servers with the same routes, one measured by
 * {@link MicrometerMetricsFactory} and one by {@link CachedHttpMetricsFactory}, get the same requests (several methods,
 * statuses, bodies, a request that goes through two routes, one the client abandons half-sent) and must publish the same
 * {@code vertx_http_server_*} series with the same counts, byte sums and help texts. Only durations differ.
 */
class CachedHttpMetricsFactoryTest {

    @Test
    void shouldPublishTheSameHttpServerSeriesAsVertxWithTheDefaultLabels() throws Exception {
        assertSameSeries(MicrometerMetricsOptions.DEFAULT_LABELS.stream().collect(Collectors.toSet()));
    }

    @Test
    void shouldPublishTheSameHttpServerSeriesAsVertxWithTheRouteLabel() throws Exception {
        assertSameSeries(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE));
    }

    @Test
    void shouldLeaveVertxsOwnMetricsInPlaceForLabelsThatGrowWithTheTraffic() {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true);
        options.setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_PATH));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        var metrics = new CachedHttpMetricsFactory(registry).metrics(new VertxOptions().setMetricsOptions(options));
        assertThat(metrics.getClass().getName()).startsWith("io.vertx.micrometer.");
    }

    private static void assertSameSeries(Set<Label> labels) throws Exception {
        PrometheusMeterRegistry stockRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry cachedRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Vertx stock = start(labels, new MicrometerMetricsFactory(stockRegistry));
        Vertx cached = start(labels, new CachedHttpMetricsFactory(cachedRegistry));
        try {
            int stockPort = serve(stock);
            int cachedPort = serve(cached);
            for (int port : List.of(stockPort, cachedPort)) {
                exercise(port);
            }
            // the last answers' ends and the abandoned request's reset reach the metrics after the client has them
            Function<PrometheusMeterRegistry, String> series = CachedHttpMetricsFactoryTest::requestSeries;
            Await.until(
                    () -> series.apply(stockRegistry).equals(series.apply(cachedRegistry))
                            && series.apply(stockRegistry).contains("vertx_http_server_request_resets_total"),
                    Duration.ofSeconds(15),
                    () -> "Vert.x's:\n" + series.apply(stockRegistry) + "\ncached:\n" + series.apply(cachedRegistry));
            assertThat(series.apply(cachedRegistry))
                    .isEqualTo(series.apply(stockRegistry))
                    .contains("vertx_http_server_requests_total{", "code=\"404\"", "method=\"POST\"")
                    .contains("vertx_http_server_active_requests{method=\"GET\"} 0");
            if (labels.contains(Label.HTTP_ROUTE)) {
                assertThat(series.apply(cachedRegistry)).contains("route=\"/two>/two\"");
            }
        } finally {
            stock.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            cached.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static Vertx start(Set<Label> labels, VertxMetricsFactory factory) {
        MicrometerMetricsOptions options = new MicrometerMetricsOptions().setEnabled(true);
        options.setLabels(labels);
        // Vert.x keeps one backend per registry name in the JVM: each instance here has its own registry
        options.setRegistryName(UUID.randomUUID().toString());
        return Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(options))
                .withMetrics(factory)
                .build();
    }

    private static int serve(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        router.get("/hello").handler(ctx -> ctx.response().end("hello"));
        router.post("/echo")
                .handler(BodyHandler.create())
                .handler(ctx -> ctx.response()
                        .setStatusCode(201)
                        .end(ctx.body().buffer() == null ? "" : ctx.body().asString()));
        router.get("/two").handler(ctx -> ctx.next());
        router.get("/two").handler(ctx -> ctx.response().end("second"));
        return vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    /** The same requests, in the same order, to the server on {@code port}. */
    private static void exercise(int port) throws Exception {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + port;
        for (int i = 0; i < 3; i++) {
            send(client, HttpRequest.newBuilder(URI.create(base + "/hello")).GET());
        }
        send(client, HttpRequest.newBuilder(URI.create(base + "/echo")).POST(HttpRequest.BodyPublishers.ofString("x")));
        send(
                client,
                HttpRequest.newBuilder(URI.create(base + "/echo"))
                        .POST(HttpRequest.BodyPublishers.ofString("a longer body of text")));
        send(client, HttpRequest.newBuilder(URI.create(base + "/two")).GET());
        send(client, HttpRequest.newBuilder(URI.create(base + "/missing")).GET());
        send(client, HttpRequest.newBuilder(URI.create(base + "/hello")).DELETE());
        // a request whose body never comes: the connection closes under it, so Vert.x resets it
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nhalf")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private static void send(HttpClient client, HttpRequest.Builder request) throws Exception {
        client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The request-level series of Vert.x's HTTP server metrics, sorted, without durations (which differ) and without
     * the connection-level series (which are Vert.x's own in both).
     */
    private static String requestSeries(PrometheusMeterRegistry registry) {
        return registry.scrape()
                .lines()
                .filter(l -> l.contains("vertx_http_server_"))
                .filter(l -> !l.contains("vertx_http_server_bytes_")
                        && !l.contains("vertx_http_server_active_connections")
                        && !l.contains("vertx_http_server_errors"))
                .filter(l -> !(l.startsWith("vertx_http_server_response_time_seconds")
                        && !l.startsWith("vertx_http_server_response_time_seconds_count")))
                .filter(l -> !l.startsWith("vertx_http_server_request_bytes_max")
                        && !l.startsWith("vertx_http_server_response_bytes_max"))
                .sorted()
                .collect(Collectors.joining("\n"));
    }
}
