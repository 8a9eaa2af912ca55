package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The release {@code tp} of a rendered chart, run as real processes ({@link LocalCluster}): the BMS StatefulSet's
 * members from {@code bms.jar} and the agent DaemonSet's pod from {@code load-agent.jar}, both built by this reactor
 * (charts/pom.xml copies them to target/service-jars).
 */
final class ChartRun implements AutoCloseable {

    static final String STS = "tp-tokenplane-bms";
    static final String DS = "tp-tokenplane-agent";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One HTTP answer: its status and its JSON body (null when the body is not JSON). */
    record Answer(int status, JsonNode json) {}

    final LocalCluster cluster;
    final List<LocalPod> members;

    private ChartRun(LocalCluster cluster) {
        this.cluster = cluster;
        this.members = cluster.pods(STS);
    }

    /** Materialises the release under target/chart-run/{@code name}; starts nothing yet. */
    static ChartRun of(RenderedChart chart, String clusterDomain, String name) throws IOException {
        Path root = Path.of("target", "chart-run", name).toAbsolutePath();
        LocalPod.deleteTree(root);
        List<String> bmsFlags = new ArrayList<>(
                Arrays.asList(System.getProperty("hazelcast.jvm.flags").split(" ")));
        // the image's flags, but a fixed small heap: there is no container memory limit to take a percentage of
        bmsFlags.addAll(List.of("-Dhazelcast.phone.home.enabled=false", "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        Map<String, LocalPod.Entrypoint> images = Map.of(
                "bms", new LocalPod.Entrypoint(jar("bms.jar"), "dev.tokenplane.bms.BmsMain", bmsFlags),
                "load-agent", new LocalPod.Entrypoint(jar("agent.jar"), "dev.tokenplane.agent.AgentMain", List.of()));
        ChartRun run = new ChartRun(new LocalCluster(chart, clusterDomain, root, images));
        for (LocalPod member : run.members) {
            // The chart selects BMS_DISCOVERY=kubernetes, whose DNS records of the headless Service do not exist on
            // one host (and would give every member the same port). Only this is replaced: the static list of the
            // members' loopback addresses and mapped Hazelcast ports. Everything else is as rendered.
            run.cluster.override(
                    member,
                    Map.of(
                            "BMS_DISCOVERY",
                            "static",
                            "BMS_CLUSTER_MEMBERS",
                            run.members.stream()
                                    .map(m -> LocalPod.ADDRESS + ":" + m.hostPort("hazelcast"))
                                    .collect(Collectors.joining(","))));
        }
        return run;
    }

    private static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "(unset)"));
        if (!Files.isRegularFile(jar)) {
            throw new AssertionError(jar + " missing: run through `mvn verify`, which packages the services first");
        }
        return jar;
    }

    /** Starts every member at once (podManagementPolicy: Parallel) and waits until each is ready. */
    void startMembers() throws IOException {
        for (LocalPod member : members) {
            cluster.start(member);
        }
        for (LocalPod member : members) {
            cluster.await(member, "readinessProbe");
        }
    }

    LocalPod agent() {
        return cluster.pods(DS).get(0);
    }

    void startAgent() throws IOException {
        cluster.start(agent());
        cluster.await(agent(), "readinessProbe");
    }

    String adminToken() {
        return cluster.env(members.get(0)).get("BMS_ADMIN_TOKEN");
    }

    /** The mapped HTTP address of a member. */
    String url(LocalPod member) {
        return "http://" + LocalPod.ADDRESS + ":" + member.hostPort("http");
    }

    Answer call(LocalPod member, String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(member) + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? null : JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = null;
            }
            return new Answer(r.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** An admin call (rules, overrides, reads). */
    Answer admin(LocalPod member, String method, String path, Object body) {
        try {
            return call(
                    member,
                    method,
                    path,
                    body == null ? null : JSON.writeValueAsString(body),
                    Map.of("Authorization", "Bearer " + adminToken()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls {@code condition} until it holds (real processes answer when they are ready, not on a schedule). */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + timeout);
            }
            LocalCluster.pause();
        }
    }

    int clusterSize(LocalPod member) {
        Answer ready = call(member, "GET", "/health/ready", null, Map.of());
        return ready.json() == null ? 0 : ready.json().path("members").asInt();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
