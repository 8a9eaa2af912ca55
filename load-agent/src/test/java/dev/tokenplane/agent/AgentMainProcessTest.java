package dev.tokenplane.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The real entry point in its own JVM: a bad value stops it before it starts; JSON logs are JSON lines. */
class AgentMainProcessTest {

    @Test
    void shouldLogJsonLinesWithIsoTimesWhenAskedTo() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Path stderr = Files.createTempFile("agent-json-logs", ".log");
        int unused;
        try (ServerSocket s = new ServerSocket(0)) {
            unused = s.getLocalPort(); // nothing listens there once closed: every report fails and is logged
        }
        ProcessBuilder builder = new ProcessBuilder(
                        List.of(java, "-cp", System.getProperty("java.class.path"), "dev.tokenplane.agent.AgentMain"))
                .redirectError(stderr.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("AGENT_"));
        builder.environment().put("AGENT_SERVER_ID", "web-json");
        builder.environment().put("AGENT_PORT", "0");
        builder.environment().put("AGENT_INTERVAL_MS", "100");
        builder.environment().put("AGENT_BMS_URLS", "http://127.0.0.1:" + unused);
        builder.environment().put("AGENT_LOG_FORMAT", "json");
        builder.environment().put("AGENT_LOG_LEVEL", "debug");

        Process process = builder.start();
        try {
            Eventually.await(
                    Duration.ofSeconds(30),
                    () -> "stderr: " + read(stderr),
                    () -> read(stderr).lines().filter(l -> !l.isBlank()).count() > 2);
        } finally {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        ObjectMapper json = new ObjectMapper();
        for (String line : lines(stderr)) {
            JsonNode event = json.readTree(line); // throws for a line that is not JSON
            assertThat(OffsetDateTime.parse(event.get("time").asText())).isNotNull();
            assertThat(event.get("level").asText()).isNotEmpty();
            assertThat(event.get("formattedMessage").asText()).isNotNull();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank())
                .toList();
    }

    @Test
    void shouldExitWithCode2AndAMessageNamingTheVariable() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        ProcessBuilder builder = new ProcessBuilder(
                List.of(java, "-cp", System.getProperty("java.class.path"), "dev.tokenplane.agent.AgentMain"));
        builder.environment().put("AGENT_INTERVAL_MS", "5");
        builder.environment().put("AGENT_SERVER_ID", "web-1");

        Process process = builder.start();
        boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(exited).isTrue();
        assertThat(process.exitValue()).isEqualTo(AgentMain.EXIT_CONFIG);
        assertThat(err)
                .contains("load-agent: AGENT_INTERVAL_MS (--interval-ms) must be an integer in [100, 3600000]; "
                        + "got '5'");
    }
}
