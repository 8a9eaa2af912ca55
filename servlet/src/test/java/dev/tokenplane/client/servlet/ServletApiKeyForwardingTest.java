package dev.tokenplane.client.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Bms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Servlet filter forwarding its callers' API keys to a real BMS with API keys: each client gets its own bucket
 * under its client id ({@code {client}}), an unknown key gets 401 and no bucket, a request without a key passes.
 */
class ServletApiKeyForwardingTest {
    static final String ACME = "key-acme-secret-0001";
    static final String SERVICE = "key-service-secret-03";

    static Bms bms;
    static RateLimiterClient client;
    static JettyApp app;

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.createTempFile("api-keys", ".yaml");
        Files.writeString(keys, ACME + ": acme\n" + SERVICE + ": service\n");
        bms = Bms.start(Map.of("BMS_API_KEYS_FILE", keys.toString()));
        bms.rule("sfw", "{\"match\":\"sfw:*\",\"capacity\":2,\"refillPerSecond\":0.001}");
        client = RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .apiKey(SERVICE)
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .build();
        app = new JettyApp(Map.of(
                "/orders",
                RateLimitFilter.builder(client)
                        .keyResolver(ServletKeyResolvers.perClient("sfw:"))
                        .forwardApiKey()
                        .build()));
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        client.close();
        bms.close();
    }

    @Test
    void shouldLimitEachClientByItsIdAndRefuseUnknownKeys() throws Exception {
        // When acme calls three times, an invented key once, and a caller without a key once
        int first = app.get("/orders", "X-Api-Key", ACME).statusCode();
        int second = app.get("/orders", "X-Api-Key", ACME).statusCode();
        var third = app.get("/orders", "X-Api-Key", ACME);
        var invented = app.get("/orders", "X-Api-Key", "key-invented-secret-04");
        int anonymous = app.get("/orders").statusCode();

        // Then acme had its own bucket of 2, named by its client id (never its secret)
        assertThat(first).isEqualTo(200);
        assertThat(second).isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(bms.tokens("sfw:acme")).isZero();
        // and the invented key got 401 with the JSON body
        assertThat(invented.statusCode()).isEqualTo(401);
        assertThat(invented.body())
                .isEqualTo("{\"error\":\"unauthorized\",\"message\":\"a valid X-Api-Key is required\"}");
        // and a caller without a key passed (no bucket to check)
        assertThat(anonymous).isEqualTo(200);
    }
}
