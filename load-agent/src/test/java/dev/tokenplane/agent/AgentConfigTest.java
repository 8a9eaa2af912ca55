package dev.tokenplane.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentConfigTest {

    private static AgentConfig parse(Map<String, String> env, String... args) {
        return AgentMain.parse(args, env, new PrintWriter(new StringWriter()));
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        AgentConfig config = parse(Map.of("AGENT_SERVER_ID", "web-1"));

        assertThat(config.serverId()).isEqualTo("web-1");
        assertThat(config.bmsUrls()).containsExactly("http://127.0.0.1:8080");
        assertThat(config.intervalMillis()).isEqualTo(1000);
        assertThat(config.port()).isEqualTo(9470);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.region()).isEqualTo("default");
        assertThat(config.pool()).isEqualTo("default");
        assertThat(config.bmsToken()).isEmpty();
        assertThat(config.scrapeUrl()).isEmpty();
        assertThat(config.includeLoopback()).isFalse();
        assertThat(config.networkFilter().accepts("eth0")).isTrue();
        assertThat(config.networkFilter().accepts("veth12ab")).isFalse();
        assertThat(config.diskFilter().accepts("nvme0n1")).isTrue();
        assertThat(config.diskFilter().accepts("loop3")).isFalse();
        assertThat(config.bufferSize()).isEqualTo(300);
        assertThat(config.backoff().baseMillis()).isEqualTo(500);
        assertThat(config.backoff().maxMillis()).isEqualTo(30_000);
        assertThat(config.requestTimeoutMillis()).isEqualTo(5_000);
    }

    @Test
    void shouldDefaultTheServerIdToTheHostName() {
        assertThat(parse(Map.of()).serverId()).matches("[A-Za-z0-9._-]{1,128}");
    }

    @Test
    void shouldReadEveryVariableAndLetAFlagWin() {
        Map<String, String> env = Map.of(
                "AGENT_SERVER_ID", "web-1",
                "AGENT_BMS_URLS", "http://bms-a:8080/, https://bms-b:8443",
                "AGENT_INTERVAL_MS", "250",
                "AGENT_REGION", "eu-west",
                "AGENT_POOL", "checkout",
                "AGENT_PORT", "9999",
                "AGENT_BMS_TOKEN", "s3cret",
                "AGENT_SCRAPE_URL", "http://127.0.0.1:8081/actuator/prometheus");

        AgentConfig config = parse(env, "--interval-ms", "500", "--pool", "search");

        assertThat(config.bmsUrls()).containsExactly("http://bms-a:8080", "https://bms-b:8443");
        assertThat(config.intervalMillis()).isEqualTo(500);
        assertThat(config.region()).isEqualTo("eu-west");
        assertThat(config.pool()).isEqualTo("search");
        assertThat(config.port()).isEqualTo(9999);
        assertThat(config.bmsToken()).contains("s3cret");
        assertThat(config.scrapeUrl()).contains("http://127.0.0.1:8081/actuator/prometheus");
        assertThat(config.scrapeToMillis()).isEqualTo(1000.0);
    }

    @Test
    void shouldHaveAFlagForEveryVariable() {
        assertThat(List.of(AgentSetting.values()))
                .extracting(AgentSetting::envName)
                .contains(
                        "AGENT_SERVER_ID",
                        "AGENT_BMS_URLS",
                        "AGENT_INTERVAL_MS",
                        "AGENT_REGION",
                        "AGENT_POOL",
                        "AGENT_PORT",
                        "AGENT_HOST",
                        "AGENT_BMS_TOKEN",
                        "AGENT_SCRAPE_URL");
        assertThat(AgentSetting.INTERVAL_MS.flag()).isEqualTo("--interval-ms");
        assertThat(AgentSetting.BMS_URLS.flag()).isEqualTo("--bms-urls");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "AGENT_INTERVAL_MS    | 50               | AGENT_INTERVAL_MS (--interval-ms) must be an integer in [100, 3600000]; got '50'",
                "AGENT_INTERVAL_MS    | soon             | AGENT_INTERVAL_MS (--interval-ms) must be an integer in [100, 3600000]; got 'soon'",
                "AGENT_PORT           | 70000            | AGENT_PORT (--port) must be an integer in [0, 65535]; got '70000'",
                "AGENT_PORT           | -1               | AGENT_PORT (--port) must be an integer in [0, 65535]",
                "AGENT_SERVER_ID      | web 1            | AGENT_SERVER_ID (--server-id) must be [A-Za-z0-9._-]{1,128}; got 'web 1'",
                "AGENT_REGION         | eu/west          | AGENT_REGION (--region) must be [A-Za-z0-9._-]{1,64}",
                "AGENT_POOL           | p!               | AGENT_POOL (--pool) must be [A-Za-z0-9._-]{1,64}",
                "AGENT_BMS_URLS       | ftp://bms:21     | AGENT_BMS_URLS (--bms-urls) must be an absolute http:// or https:// URL with a host; got 'ftp://bms:21'",
                "AGENT_BMS_URLS       | bms:8080         | AGENT_BMS_URLS (--bms-urls) must be an absolute http:// or https:// URL",
                "AGENT_BMS_URLS       | ' , '            | AGENT_BMS_URLS (--bms-urls) must be 1 to 16 comma-separated http(s) URLs",
                "AGENT_SCRAPE_URL     | localhost:8081   | AGENT_SCRAPE_URL (--scrape-url) must be an absolute http:// or https:// URL",
                "AGENT_SCRAPE_METRIC  | http_requests    | AGENT_SCRAPE_METRIC (--scrape-metric) must be a Prometheus metric name ending in _seconds or _milliseconds",
                "AGENT_NET_INCLUDE    | eth[             | AGENT_NET_INCLUDE (--net-include) must be a valid Java regular expression",
                "AGENT_NET_LOOPBACK   | yes              | AGENT_NET_LOOPBACK (--net-loopback) must be true or false; got 'yes'",
                "AGENT_BUFFER_SIZE    | 0                | AGENT_BUFFER_SIZE (--buffer-size) must be an integer in [1, 100000]; got '0'",
                "AGENT_BACKOFF_BASE_MS| 0                | AGENT_BACKOFF_BASE_MS (--backoff-base-ms) must be an integer in [1, 600000]",
                "AGENT_REQUEST_TIMEOUT_MS | 10           | AGENT_REQUEST_TIMEOUT_MS (--request-timeout-ms) must be an integer in [100, 600000]",
                "AGENT_HOST           | 'bad host'       | AGENT_HOST (--host) must be an IP address or host name",
                "AGENT_LOG_LEVEL      | LOUD             | AGENT_LOG_LEVEL (--log-level) must be one of ERROR, WARN, INFO, DEBUG, TRACE",
                "AGENT_LOG_FORMAT     | xml              | AGENT_LOG_FORMAT (--log-format) must be TEXT or JSON; got 'XML'",
            })
    void shouldStopOnABadValueNamingTheVariableAndTheRange(String variable, String value, String message) {
        Map<String, String> env = new HashMap<>(Map.of("AGENT_SERVER_ID", "web-1"));
        env.put(variable, value);

        assertThatThrownBy(() -> parse(env)).isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }

    @Test
    void shouldCheckTheBackoffCapAgainstTheBase() {
        assertThatThrownBy(() -> parse(Map.of("AGENT_BACKOFF_BASE_MS", "2000", "AGENT_BACKOFF_MAX_MS", "1000")))
                .hasMessage(
                        "AGENT_BACKOFF_MAX_MS (--backoff-max-ms) must be an integer in [2000, 3600000]; got '1000'");
    }

    @Test
    void shouldNameTheFlagWhenTheBadValueCameFromIt() {
        assertThatThrownBy(() -> parse(Map.of(), "--interval-ms", "0"))
                .hasMessageContaining("--interval-ms")
                .hasMessageContaining("[100, 3600000]");
    }

    @Test
    void shouldRejectAnUnknownFlag() {
        assertThatThrownBy(() -> parse(Map.of(), "--intervall-ms", "500"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--intervall-ms");
    }

    @Test
    void shouldNeverShowTheToken() {
        AgentConfig config = parse(Map.of("AGENT_BMS_TOKEN", "very-secret-token"));
        assertThat(config.toString()).doesNotContain("very-secret-token").contains("bmsToken=(set)");

        assertThatThrownBy(() -> parse(Map.of("AGENT_BMS_TOKEN", "has space")))
                .hasMessageNotContaining("has space")
                .hasMessageContaining("AGENT_BMS_TOKEN");
    }

    @Test
    void shouldPrintHelpWithEveryVariable() {
        StringWriter help = new StringWriter();

        AgentConfig config = AgentMain.parse(new String[] {"--help"}, Map.of(), new PrintWriter(help));

        assertThat(config).isNull();
        for (AgentSetting setting : AgentSetting.values()) {
            assertThat(help.toString()).contains(setting.envName());
            if (!setting.secret()) {
                assertThat(help.toString()).contains(setting.flag());
            }
        }
        assertThat(help.toString()).doesNotContain("--bms-token ").doesNotContain("--bms-token=");
    }

    @Test
    void shouldRefuseTheTokenAsAFlagNamingTheVariableAndItsFile() {
        assertThatThrownBy(() -> parse(Map.of(), "--bms-token", "very-secret-token"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--bms-token is refused")
                .hasMessageContaining("ps")
                .hasMessageContaining("AGENT_BMS_TOKEN")
                .hasMessageContaining("AGENT_BMS_TOKEN_FILE")
                .hasMessageNotContaining("very-secret-token");
    }

    @Test
    void shouldReadTheTokenFromItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("token"), "token-from-a-file\n");

        assertThat(parse(Map.of("AGENT_BMS_TOKEN_FILE", file.toString())).bmsToken())
                .contains("token-from-a-file");
        assertThat(parse(Map.of(), "--bms-token-file", file.toString()).bmsToken())
                .contains("token-from-a-file");
        assertThatThrownBy(() -> parse(Map.of("AGENT_BMS_TOKEN_FILE", file.toString(), "AGENT_BMS_TOKEN", "other")))
                .hasMessageContaining("both")
                .hasMessageNotContaining("token-from-a-file");
        assertThatThrownBy(() ->
                        parse(Map.of("AGENT_BMS_TOKEN_FILE", dir.resolve("none").toString())))
                .hasMessageContaining("AGENT_BMS_TOKEN_FILE (--bms-token-file) must name a readable file");
    }
}
