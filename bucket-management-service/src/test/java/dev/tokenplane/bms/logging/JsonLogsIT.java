package dev.tokenplane.bms.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.runtime.IsoJsonEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A BMS JVM started from the built jar with {@code BMS_LOG_FORMAT=json} and {@code BMS_LOG_LEVEL=debug}: standard output
 * is JSON lines only, each with an ISO-8601 time and zone, and the access line of a request carries its id.
 */
class JsonLogsIT {
    private Process process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldWriteOnlyJsonLinesWithIsoTimesAndTheRequestId() throws Exception {
        Path dir = Files.createTempDirectory("bms-json-logs");
        Path out = dir.resolve("stdout.log");
        int port = TestSettings.freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        System.getProperty("bms.jar", "target/bms.jar"),
                        "--port",
                        Integer.toString(port),
                        "--hazelcast-port",
                        Integer.toString(TestSettings.freePort()))
                .redirectOutput(out.toFile())
                .redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("BMS_"));
        pb.environment().put("BMS_DATA_DIR", dir.resolve("data").toString());
        pb.environment().put("BMS_CLUSTER_NAME", "it-" + UUID.randomUUID());
        pb.environment().put("BMS_LOG_FORMAT", "json");
        pb.environment().put("BMS_LOG_LEVEL", "debug");
        process = pb.start();
        Api anonymous = new Api("http://127.0.0.1:" + port, "");
        awaitReady(anonymous, out);
        Api api = new Api(
                anonymous.base(),
                Files.readString(dir.resolve("data").resolve("admin-token"), StandardCharsets.US_ASCII)
                        .trim());

        Api.Response r = api.send("GET", "/v1/rules/no-such-rule", null, true, "X-Request-Id", "json-it-1");
        assertThat(r.json().get("requestId").asText()).isEqualTo("json-it-1");
        Await.until(() -> read(out).contains("json-it-1"));
        process.destroy();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<JsonNode> lines = new ArrayList<>();
        for (String line : read(out).split("\n")) {
            if (!line.isBlank()) {
                lines.add(Api.JSON.readTree(line)); // throws for any line that is not JSON
            }
        }
        assertThat(lines).hasSizeGreaterThan(3);
        for (JsonNode line : lines) {
            assertThat(line.isObject()).isTrue();
            String time = line.get(IsoJsonEncoder.TIME).asText();
            assertThat(OffsetDateTime.parse(time)).isNotNull(); // ISO-8601 with its zone offset
            assertThat(line.get("level").asText()).isNotEmpty();
            assertThat(line.get("loggerName").asText()).isNotEmpty();
        }
        assertThat(lines)
                .anySatisfy(l -> assertThat(l.get("formattedMessage").asText()).contains("BMS ready at"));
        assertThat(lines).anySatisfy(l -> {
            assertThat(l.path("mdc").path("requestId").asText()).isEqualTo("json-it-1");
            assertThat(l.get("formattedMessage").asText()).startsWith("GET /v1/rules/no-such-rule 404 ");
        });
        assertThat(lines)
                .anySatisfy(l -> assertThat(l.get("formattedMessage").asText()).contains("BMS member stopped"));
    }

    private static void awaitReady(Api api, Path out) {
        Await.until(
                () -> api.getAnonymous("/health/ready").status() == 200,
                Duration.ofSeconds(90),
                () -> "not ready; output:\n" + read(out));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
