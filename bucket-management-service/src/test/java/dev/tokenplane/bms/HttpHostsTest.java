package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.support.TestSettings;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code BMS_HOST} with several addresses (the chart's pod IP and loopback): one port, a listener on each address, and
 * nothing on any other (Linux routes all of 127/8 to loopback, so three loopback addresses stand for pod IP, loopback
 * and "any other interface").
 */
class HttpHostsTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldListenOnEveryAddressOfBmsHostAndOnNoOther() throws Exception {
        BmsNode node = BmsNode.start(
                TestSettings.member().with("BMS_HOST", "127.0.0.2,127.0.0.1").build());
        try {
            int port = node.port();
            assertThat(node.url()).isEqualTo("http://127.0.0.2:" + port);
            assertThat(live("127.0.0.2", port)).isEqualTo(200);
            assertThat(live("127.0.0.1", port)).isEqualTo(200);
            assertThatThrownBy(() -> live("127.0.0.3", port)).isInstanceOf(ConnectException.class);
        } finally {
            node.stop();
        }
    }

    private static int live(String host, int port) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/health/live"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
