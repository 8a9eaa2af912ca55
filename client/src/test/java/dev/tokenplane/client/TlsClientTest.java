package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.client.support.Bms;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SDK on a BMS that serves HTTPS with a certificate made in the test. */
class TlsClientTest {
    static SelfSignedCertificate certificate;
    static Bms bms;

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.create("localhost");
        bms = Bms.start(Map.of(
                "BMS_TLS_CERT_FILE", certificate.certificatePath(), "BMS_TLS_KEY_FILE", certificate.privateKeyPath()));
    }

    @AfterAll
    static void stop() {
        bms.close();
        certificate.delete();
    }

    @Test
    void shouldHaveNoDecisionPortWithoutTheSetting() {
        assertThat(bms.decisionPort()).isEqualTo(-1);
    }

    @Test
    void shouldGetADecisionOverTheDecisionPortWithTheSameTls() throws Exception {
        try (Bms withPort = Bms.start(Map.of(
                        "BMS_TLS_CERT_FILE",
                        certificate.certificatePath(),
                        "BMS_TLS_KEY_FILE",
                        certificate.privateKeyPath(),
                        "BMS_DECISION_PORT",
                        "0"));
                RateLimiterClient trusting = RateLimiterClient.builder()
                        .bmsUrls("https://localhost:" + Bms.freePort()) // nothing there: decisions come over the port
                        .decisionEndpoint("localhost", withPort.decisionPort())
                        .trustCaFile(Path.of(certificate.certificatePath()))
                        .timeout(Duration.ofSeconds(30))
                        .attemptTimeout(Duration.ofSeconds(30))
                        .build();
                RateLimiterClient untrusting = RateLimiterClient.builder()
                        .bmsUrls("https://localhost:" + Bms.freePort())
                        .decisionEndpoint("localhost", withPort.decisionPort())
                        .timeout(Duration.ofSeconds(5))
                        .build()) {
            Decision d =
                    trusting.acquireAsync("free:tls-port").toCompletableFuture().join();
            Decision untrusted = untrusting
                    .acquireAsync("free:tls-port-untrusted")
                    .toCompletableFuture()
                    .join();

            assertThat(d.source()).isEqualTo(DecisionSource.BMS);
            assertThat(d.granted()).isTrue();
            assertThat(d.ruleId()).isEqualTo("free");
            assertThat(untrusted.source()).isNotEqualTo(DecisionSource.BMS); // the handshake failed: the fallback
        }
    }

    @Test
    void shouldGetADecisionFromTheBmsWhenItTrustsTheCaFile() {
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls("https://localhost:" + bms.port())
                .trustCaFile(Path.of(certificate.certificatePath()))
                // generous: the first handshake of a cold JVM (and a cold BMS in it) took 8 s on a busy 2-core machine
                .timeout(Duration.ofSeconds(30))
                .attemptTimeout(Duration.ofSeconds(30))
                .build()) {
            Decision d = client.acquireAsync("free:tls").toCompletableFuture().join();

            assertThat(d.source()).isEqualTo(DecisionSource.BMS);
            assertThat(d.granted()).isTrue();
            assertThat(d.ruleId()).isEqualTo("free");
        }
    }

    @Test
    void shouldNotReachTheBmsWithoutTheCaFile() {
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls("https://localhost:" + bms.port())
                .timeout(Duration.ofMillis(1500))
                .maxRetries(0)
                .build()) {
            Decision d = client.acquireAsync("free:tls-untrusted")
                    .toCompletableFuture()
                    .join();

            // the handshake fails: the BMS is unreachable to this client, which decides locally
            assertThat(d.source().fallback()).isTrue();
            assertThat(client.inFallback()).isTrue();
        }
    }

    @Test
    void shouldRefuseACaFileThatHoldsNoCertificate() throws Exception {
        Path junk = Files.writeString(Files.createTempFile("ca", ".pem"), "not a certificate");

        assertThatThrownBy(() -> RateLimiterClient.builder().trustCaFile(junk))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PEM file of certificates");
        assertThatThrownBy(() -> RateLimiterClient.builder().trustCaFile(Path.of("/nope/ca.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("readable file");
    }
}
