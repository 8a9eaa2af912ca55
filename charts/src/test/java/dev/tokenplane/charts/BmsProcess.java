package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.runtime.net.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One real BMS member in its own JVM ({@link BmsMain} from this module's test classpath), single-member Hazelcast on
 * loopback with free ports, a unique cluster name and a generated admin token; started ready, stopped by
 * {@link #close()}. Its output goes to {@code bms.log} in the data directory.
 */
final class BmsProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final String url;
    private final String adminToken;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private BmsProcess(Process process, String url, String adminToken, Path log) {
        this.process = process;
        this.url = url;
        this.adminToken = adminToken;
        this.log = log;
    }

    /** Starts a member with its data in {@code dataDir}; {@code env} adds (or replaces) BMS variables. */
    static BmsProcess start(Path dataDir, Map<String, String> env) throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        int port = freePort();
        String token = "t" + UUID.randomUUID().toString().replace("-", "");
        Map<String, String> variables = new HashMap<>(Map.of(
                "BMS_PORT",
                Integer.toString(port),
                "BMS_HOST",
                "127.0.0.1",
                "BMS_HAZELCAST_PORT",
                Integer.toString(freePort()),
                "BMS_HAZELCAST_HOST",
                "127.0.0.1",
                "BMS_CLUSTER_NAME",
                "charts-" + UUID.randomUUID(),
                "BMS_DATA_DIR",
                dataDir.toString(),
                "BMS_ADMIN_TOKEN",
                token,
                "BMS_SIZING_INTERVAL_MS",
                "200"));
        variables.putAll(env);

        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(
                List.of(System.getProperty("hazelcast.jvm.flags", "").trim().split("\\s+")));
        command.addAll(List.of(
                "-Xmx256m",
                "-Dhazelcast.phone.home.enabled=false",
                "-cp",
                System.getProperty("java.class.path"),
                BmsMain.class.getName()));
        command.removeIf(String::isEmpty);
        Path log = dataDir.resolve("bms.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("BMS_"));
        builder.environment().putAll(variables);
        BmsProcess bms = new BmsProcess(builder.start(), "http://127.0.0.1:" + port, token, log);
        bms.awaitReady();
        return bms;
    }

    String url() {
        return url;
    }

    String adminToken() {
        return adminToken;
    }

    /** What the member has written to stdout and stderr so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    /** Sends a request; {@code body} null for none, {@code bearer} null for no Authorization header. */
    HttpResponse<String> send(String method, String path, String body, String bearer) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends an admin request and fails unless it answers 2xx. */
    String admin(String method, String path, String body) {
        HttpResponse<String> response = send(method, path, body, adminToken);
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(
                    method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * Puts the chart's default rules ({@code bms.rules} of values.yaml: a map of id to rule, or a list of rules with
     * an {@code id}) through the API, as the chart's members hold them.
     */
    void putTheChartsDefaultRules() throws IOException {
        Map<String, Object> values = Yamls.parse(Files.readString(RenderedChart.CHART.resolve("values.yaml")));
        Map<Object, Object> rules = new java.util.LinkedHashMap<>();
        if (Yamls.at(values, "bms", "rules") instanceof Map<?, ?> byId) {
            rules.putAll(byId);
        } else if (Yamls.at(values, "bms", "rules") instanceof List<?> list) {
            for (Object rule : list) {
                Map<Object, Object> body = new java.util.LinkedHashMap<>((Map<?, ?>) rule);
                rules.put(body.remove("id"), body);
            }
        }
        for (Map.Entry<?, ?> rule : rules.entrySet()) {
            admin("PUT", "/v1/rules/" + rule.getKey(), JSON.writeValueAsString(rule.getValue()));
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the BMS exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (send("GET", "/health/ready", null, null).statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        close();
        throw new IllegalStateException(
                "the BMS was not ready within " + START_TIMEOUT + ":\n" + Files.readString(log));
    }

    static int freePort() throws IOException {
        return LoopbackPorts.free(); // below the ephemeral range: a member never reconnects to itself
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
