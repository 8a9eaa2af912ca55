package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP API over HTTPS with a certificate made in the test: trusted it answers, untrusted or plain it does not. */
class TlsTest {
    static SelfSignedCertificate certificate;
    static BmsNode node;
    static String https;

    @BeforeAll
    static void start() throws Exception {
        certificate = SelfSignedCertificate.create("localhost");
        node = BmsNode.start(TestSettings.member()
                .with("BMS_ADMIN_TOKEN", "admin-token-for-tls-test")
                .with("BMS_TLS_CERT_FILE", certificate.certificatePath())
                .with("BMS_TLS_KEY_FILE", certificate.privateKeyPath())
                .build());
        https = "https://localhost:" + node.port();
    }

    @AfterAll
    static void stop() {
        node.stop();
        certificate.delete();
    }

    @Test
    void shouldServeTheApiOverHttpsToACallerThatTrustsTheCertificate() throws Exception {
        HttpClient trusting = HttpClient.newBuilder()
                .sslContext(trusting(Path.of(certificate.certificatePath())))
                .connectTimeout(Duration.ofSeconds(5))
                .build();

        HttpResponse<String> ready = trusting.send(
                HttpRequest.newBuilder(URI.create(https + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> rules = trusting.send(
                HttpRequest.newBuilder(URI.create(https + "/v1/rules"))
                        .header("Authorization", "Bearer admin-token-for-tls-test")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(node.url()).startsWith("https://");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(rules.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAHandshakeWithoutTrustAndPlainHttp() {
        HttpClient defaultTrust =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(https + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpRequest plain = HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .build();

        assertThatThrownBy(() -> defaultTrust.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> defaultTrust.send(plain, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void shouldStopAtStartOnAMissingOrWrongFile() throws Exception {
        Path junk = Files.writeString(Files.createTempFile("not-a-cert", ".pem"), "hello");
        TestSettings settings = TestSettings.member();

        assertThatThrownBy(() -> settings.with("BMS_TLS_CERT_FILE", certificate.certificatePath())
                        .build())
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("BMS_TLS_KEY_FILE (--tls-key-file) must be set too");
        assertThatThrownBy(
                        () -> settings.with("BMS_TLS_KEY_FILE", "/nope/key.pem").build())
                .hasMessage("BMS_TLS_KEY_FILE (--tls-key-file) must name a readable file, was '/nope/key.pem'");
        assertThatThrownBy(() -> settings.with("BMS_TLS_KEY_FILE", certificate.privateKeyPath())
                        .with("BMS_TLS_CERT_FILE", junk.toString())
                        .build())
                .hasMessageContaining("BMS_TLS_CERT_FILE (--tls-cert-file) must be a PEM file with a certificate");
        assertThatThrownBy(() -> settings.with("BMS_TLS_CERT_FILE", certificate.certificatePath())
                        .with("BMS_TLS_KEY_FILE", certificate.certificatePath())
                        .build())
                .hasMessageContaining("BMS_TLS_KEY_FILE (--tls-key-file) must be a PEM private key");
    }

    /** A TLS context that trusts the certificates of {@code caFile} only. */
    @Test
    void shouldAnswerAMalformedChunkedBodyOverHttpsWithJson400AndClose() throws Exception {
        // Given an HTTPS connection whose request's chunked body breaks off
        SSLContext tls = trusting(Path.of(certificate.certificatePath()));
        try (Socket socket = tls.getSocketFactory().createSocket("localhost", node.port())) {
            // When it is sent
            Api.Response answer = UnreadableRequestTest.exchange(
                    socket,
                    "POST /v1/buckets/tls:k/acquire HTTP/1.1\r\nHost: localhost\r\n"
                            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");

            // Then the JSON 400 arrives through TLS before the close (exchange reads to the end)
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.headers()).containsEntry("connection", "close");
            assertThat(answer.json().path("message").asText()).isEqualTo("malformed chunked body");
        }
    }

    static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            int i = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
