package dev.tokenplane.client.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.client.support.Http;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A service that forwards its callers' API keys: the BMS checks them, gives each client its own bucket under its
 * client id, refuses unknown keys without making a bucket, and no secret shows in a bucket key, a log line or a metric.
 */
class ApiKeyForwardingTest {
    static final String ACME = "key-acme-secret-0001";
    static final String GLOBEX = "key-globex-secret-02";
    static final String SERVICE = "key-service-secret-03";
    static final String INVENTED = "key-invented-secret-04";
    static final List<String> SECRETS = List.of(ACME, GLOBEX, SERVICE, INVENTED);

    static Bms bms;
    static Vertx vertx;
    static RateLimiterClient client;
    static SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
    static String base;
    static ListAppender<ILoggingEvent> logs = new ListAppender<>();
    static Level tokenplaneLevel;
    static final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        // every log line of this JVM (the BMS runs in it too), tokenplane's at DEBUG
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logs.setContext(logging);
        logs.start();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        Logger tokenplane = logging.getLogger("dev.tokenplane");
        tokenplaneLevel = tokenplane.getLevel();
        tokenplane.setLevel(Level.DEBUG);
        logging.getLogger("dev.tokenplane.bms").setLevel(Level.DEBUG);

        Path keys = Files.createTempFile("api-keys", ".yaml");
        Files.writeString(keys, ACME + ": acme\n" + GLOBEX + ": globex\n" + SERVICE + ": service\n");
        bms = Bms.start(Map.of("BMS_API_KEYS_FILE", keys.toString()));
        bms.rule("fw", "{\"match\":\"fw:*\",\"capacity\":2,\"refillPerSecond\":0.001}");
        vertx = Vertx.vertx();
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .apiKey(SERVICE)
                .meterRegistry(clientMeters)
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
        Router app = Router.router(vertx);
        app.get("/orders")
                .handler(RateLimitHandler.builder(client)
                        .keyResolver(KeyResolvers.perClient("fw:"))
                        .forwardApiKey()
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
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        logging.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
        logging.getLogger("dev.tokenplane").setLevel(tokenplaneLevel);
        logging.getLogger("dev.tokenplane.bms").setLevel(Level.WARN);
    }

    @Test
    void shouldLimitEachClientInItsOwnBucketAndRefuseUnknownKeysWithoutASecretAnywhere() throws Exception {
        List<Integer> acme = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            acme.add(get(ACME).statusCode());
        }
        int globex = get(GLOBEX).statusCode();
        HttpResponse<String> invented = get(INVENTED);
        int inventedAgain = get(INVENTED).statusCode();

        // each client has its own bucket of 2; an invented key is refused, and gets no bucket to spend
        assertThat(acme).containsExactly(200, 200, 429);
        assertThat(globex).isEqualTo(200);
        assertThat(invented.statusCode()).isEqualTo(401);
        assertThat(invented.body()).contains("unauthorized").doesNotContain(INVENTED);
        assertThat(inventedAgain).isEqualTo(401);
        // the buckets are named by client id
        Http.Response listing = Http.send(bms.url(), "GET", "/v1/buckets?prefix=fw:", Bms.ADMIN_TOKEN, null);
        assertThat(listing.status()).isEqualTo(200);
        List<String> bucketKeys = new ArrayList<>();
        listing.json()
                .getJsonArray("buckets")
                .forEach(b -> bucketKeys.add(((io.vertx.core.json.JsonObject) b).getString("key")));
        assertThat(bucketKeys).containsExactly("fw:acme", "fw:globex");
        // no secret in a bucket listing, the BMS's metrics, the client's meters or any log line
        String metrics = Http.send(bms.url(), "GET", "/metrics", null, null).body();
        StringBuilder meters = new StringBuilder();
        for (Meter m : clientMeters.getMeters()) {
            meters.append(m.getId()).append('\n');
        }
        StringBuilder logged = new StringBuilder();
        for (ILoggingEvent e : List.copyOf(logs.list)) {
            logged.append(e.getFormattedMessage())
                    .append(
                            e.getThrowableProxy() == null
                                    ? ""
                                    : e.getThrowableProxy().getMessage())
                    .append('\n');
        }
        assertThat(logged).as("captured log lines").isNotEmpty();
        for (String secret : SECRETS) {
            assertThat(listing.body()).doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
            assertThat(meters.toString()).doesNotContain(secret);
            assertThat(logged.toString()).doesNotContain(secret);
        }
    }

    private static HttpResponse<String> get(String apiKey) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/orders"))
                        .header("X-Api-Key", apiKey)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
