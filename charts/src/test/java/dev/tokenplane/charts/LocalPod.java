package dev.tokenplane.charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One pod of a rendered workload, run as a local process by {@link LocalCluster}: its only container's command (or
 * the image's entrypoint, from the service's runnable jar), environment and mounted files, under a root folder of its
 * own that stands for the pod's filesystem. Every mount path the container sees is rewritten into that root.
 *
 * <p>Network: every pod's address is 127.0.0.1, and each declared container port is mapped to a free host port (as
 * {@code docker run -p} does), because the members of one StatefulSet all declare the same ports. A pod is in its
 * Services' endpoints once its readiness probe has answered, until it is deleted.
 */
final class LocalPod {

    /** What an image runs when the container gives no command: the service's runnable jar and its main class. */
    record Entrypoint(Path jar, String mainClass, List<String> jvmFlags) {}

    /** A container port: its name (may be empty), the port the container declares and the host port it is mapped to. */
    record Port(String name, int containerPort, int hostPort) {}

    static final String ADDRESS = "127.0.0.1";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String name;
    final String nodeName;
    final Map<String, Object> labels;
    final Yamls.Node spec;
    final Yamls.Node container;
    final List<Port> ports;
    /** The StatefulSet's volumeClaimTemplates: volumes that outlive the pod. */
    final Set<String> claims;

    final Path root;
    final Path log;
    private Process process;
    private volatile boolean ready;
    private volatile boolean terminating;

    LocalPod(
            String name,
            String nodeName,
            Map<String, Object> labels,
            Yamls.Node spec,
            List<Port> ports,
            Set<String> claims,
            Path root) {
        this.name = name;
        this.nodeName = nodeName;
        this.labels = labels;
        this.spec = spec;
        List<Yamls.Node> containers = spec.list("containers");
        if (containers.size() != 1 || spec.has("initContainers")) {
            throw new AssertionError(name + ": the harness runs pods of exactly one container and no init containers");
        }
        this.container = containers.get(0);
        this.ports = List.copyOf(ports);
        this.claims = Set.copyOf(claims);
        this.root = root;
        this.log = root.resolveSibling(name + ".log");
    }

    /** The host port a container port (by number, or by name as probes and Services give it) is mapped to. */
    int hostPort(Object containerPort) {
        return ports.stream()
                .filter(p -> containerPort.equals(p.name())
                        || String.valueOf(p.containerPort()).equals(String.valueOf(containerPort)))
                .findFirst()
                .map(Port::hostPort)
                .orElseThrow(() -> new AssertionError(name + " declares no container port " + containerPort));
    }

    /** The process's view of a path in the pod: the same path under the pod's root. */
    Path inRoot(String podPath) {
        return root.resolve(podPath.startsWith("/") ? podPath.substring(1) : podPath);
    }

    /** Starts the container's process with {@code env}; {@code command} is the full command line. */
    void start(List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        Files.writeString(
                log,
                "=== start " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        terminating = false;
        ready = false;
        process = builder.start();
    }

    boolean running() {
        return process != null && process.isAlive();
    }

    /** Its readiness probe has answered since it started. */
    void markReady() {
        ready = true;
    }

    /** Ready, and not being deleted (from that moment its endpoints are gone, so no client should pick it). */
    boolean inEndpoints() {
        return ready && running() && !terminating;
    }

    /**
     * Deletes the pod as the kubelet does: out of the endpoints, the preStop hook (a command run beside the process),
     * SIGTERM, then SIGKILL after terminationGracePeriodSeconds. Returns the exit status.
     */
    int terminate(Map<String, String> env) throws IOException, InterruptedException {
        terminating = true;
        long grace = spec.has("terminationGracePeriodSeconds") ? spec.integer("terminationGracePeriodSeconds") : 30;
        if (container.has("lifecycle", "preStop", "exec", "command")) {
            List<String> hook = container.list("lifecycle", "preStop", "exec", "command").stream()
                    .map(n -> String.valueOf(n.value()))
                    .toList();
            ProcessBuilder preStop =
                    new ProcessBuilder(hook).directory(root.toFile()).inheritIO();
            preStop.environment().putAll(env);
            preStop.start().waitFor(grace, TimeUnit.SECONDS);
        }
        process.destroy();
        if (!process.waitFor(grace, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    void kill() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** The exit status if the process has ended (a container the service refused to start). */
    Integer exitValue() {
        return process == null || process.isAlive() ? null : process.exitValue();
    }

    /** Calls the container's probe ({@code readinessProbe}, ...) as the kubelet would: true for a 2xx or 3xx answer. */
    boolean probe(String probe) {
        Yamls.Node get = container.path(probe, "httpGet");
        String host = get.has("host") ? get.string("host") : ADDRESS;
        String url = "http://" + host + ":" + hostPort(get.path("port").value()) + get.string("path");
        long timeout = container.has(probe, "timeoutSeconds") ? container.integer(probe, "timeoutSeconds") : 1;
        try {
            HttpResponse<Void> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(timeout))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() >= 200 && r.statusCode() < 400;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The probes the container declares. */
    List<String> probes() {
        List<String> probes = new ArrayList<>();
        for (String p : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
            if (container.has(p)) {
                probes.add(p);
            }
        }
        return probes;
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder and everything in it (an emptyDir of a pod that starts again). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Labels as a plain map (for Service selectors). */
    static Map<String, Object> labels(Yamls.Node template) {
        return new LinkedHashMap<>(template.map("metadata", "labels"));
    }

    @Override
    public String toString() {
        return name;
    }
}
