package dev.tokenplane.charts;

import dev.tokenplane.runtime.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The workloads of a rendered chart run as local processes: what a node would run, with nothing added but the
 * translation of the pod's world to one host. Each StatefulSet gives its replicas ({@code <name>-<ordinal>}), each
 * DaemonSet one pod on node {@value #NODE}. For each pod, every ConfigMap, Secret, emptyDir, volume claim and host path
 * it mounts is materialised under the pod's root folder, and its environment is resolved as the kubelet resolves it
 * (values, Secret and ConfigMap keys, envFrom, the downward API).
 *
 * <p>The translation, and nothing else, is applied to environment values and command arguments: mount paths point
 * into the pod's root; the pod's own address and "every interface" (0.0.0.0) are 127.0.0.1; a value that is one of the
 * container's declared ports is its mapped host port; a ClusterIP Service's name and port are a {@link ServiceProxy}
 * over its endpoints, a pod's name and port (behind a headless Service) are 127.0.0.1 and the pod's mapped port. A cluster name left over after that fails the run, so that a template that
 * relies on a new kind of name is noticed. {@link #override} replaces a variable where the translation cannot work
 * (the caller says why).
 */
final class LocalCluster implements AutoCloseable {

    static final String NODE = "node-0";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final RenderedChart chart;
    private final PodVolumes volumes;
    private final String clusterDomain;
    private final Map<String, LocalPod.Entrypoint> entrypoints;
    private final Map<String, List<LocalPod>> workloads = new LinkedHashMap<>();
    private final Map<LocalPod, Map<String, String>> overrides = new HashMap<>();
    /** Per ClusterIP Service, per Service port, the proxy that stands for its virtual IP. */
    private final Map<String, Map<Integer, ServiceProxy>> serviceProxies = new HashMap<>();

    /**
     * @param entrypoints the image entrypoint per image name (the last segment of the repository: "bms")
     */
    LocalCluster(RenderedChart chart, String clusterDomain, Path root, Map<String, LocalPod.Entrypoint> entrypoints)
            throws IOException {
        this.chart = chart;
        this.volumes = new PodVolumes(chart);
        this.clusterDomain = clusterDomain;
        this.entrypoints = entrypoints;
        for (Map<String, Object> object : chart.objects()) {
            Yamls.Node o = new Yamls.Node(object);
            String kind = o.string("kind");
            if (!kind.equals("StatefulSet") && !kind.equals("DaemonSet")) {
                continue;
            }
            String name = o.string("metadata", "name");
            int replicas = kind.equals("StatefulSet") ? o.integer("spec", "replicas") : 1;
            List<LocalPod> pods = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                String podName = kind.equals("StatefulSet") ? name + "-" + i : name + "-" + NODE;
                Yamls.Node template = o.path("spec", "template");
                Yamls.Node spec = template.path("spec");
                Set<String> claims = o.has("spec", "volumeClaimTemplates")
                        ? o.list("spec", "volumeClaimTemplates").stream()
                                .map(c -> c.string("metadata", "name"))
                                .collect(Collectors.toSet())
                        : Set.of();
                pods.add(new LocalPod(
                        podName,
                        NODE,
                        LocalPod.labels(template),
                        spec,
                        ports(spec),
                        claims,
                        Files.createDirectories(root.resolve(podName))));
            }
            workloads.put(name, pods);
        }
        for (Map<String, Object> object : chart.objects()) {
            Yamls.Node o = new Yamls.Node(object);
            if (o.string("kind").equals("Service") && !"None".equals(Yamls.at(object, "spec", "clusterIP"))) {
                Map<Integer, ServiceProxy> proxies = new HashMap<>();
                List<LocalPod> selected = selected(o);
                for (Yamls.Node port : o.list("spec", "ports")) {
                    Object target =
                            port.has("targetPort") ? port.path("targetPort").value() : port.integer("port");
                    proxies.put(
                            port.integer("port"),
                            new ServiceProxy(() -> selected.stream()
                                    .filter(LocalPod::inEndpoints)
                                    .map(p -> p.hostPort(target))
                                    .toList()));
                }
                serviceProxies.put(o.string("metadata", "name"), proxies);
            }
        }
    }

    private List<LocalPod> selected(Yamls.Node service) {
        return workloads.values().stream()
                .flatMap(List::stream)
                .filter(p -> p.labels
                        .entrySet()
                        .containsAll(service.map("spec", "selector").entrySet()))
                .toList();
    }

    List<LocalPod> pods(String workload) {
        return Optional.ofNullable(workloads.get(workload))
                .orElseThrow(() -> new AssertionError("no workload " + workload + " in " + workloads.keySet()));
    }

    /** Replaces variables of the resolved environment of {@code pod}. */
    void override(LocalPod pod, Map<String, String> variables) {
        overrides.put(pod, Map.copyOf(variables));
    }

    /** Materialises the pod's volumes and starts its container. */
    void start(LocalPod pod) throws IOException {
        volumes.materialise(pod);
        pod.start(command(pod), env(pod));
    }

    /** Waits until the pod's probe answers; fails at once, with the output, if the process ends. */
    void await(LocalPod pod, String probe) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!pod.probe(probe)) {
            if (pod.exitValue() != null) {
                throw new AssertionError(pod + " exited with " + pod.exitValue() + " before its " + probe
                        + " answered (the service refused what the chart rendered):\n" + pod.output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        pod + ": " + probe + " not answering after " + START_TIMEOUT + ":\n" + pod.output());
            }
            pause();
        }
        if (probe.equals("readinessProbe")) {
            pod.markReady();
        }
    }

    int terminate(LocalPod pod) throws IOException, InterruptedException {
        return pod.terminate(env(pod));
    }

    /** The environment the container gets: envFrom, then env (which wins), then the overrides. */
    Map<String, String> env(LocalPod pod) {
        Map<String, String> env = new LinkedHashMap<>();
        Yamls.Node c = pod.container;
        if (c.has("envFrom")) {
            for (Yamls.Node from : c.list("envFrom")) {
                String prefix = from.has("prefix") ? from.string("prefix") : "";
                Map<String, String> source = from.has("secretRef")
                        ? volumes.secret(from.string("secretRef", "name"))
                        : volumes.configMap(from.string("configMapRef", "name"));
                source.forEach((k, v) -> env.put(prefix + k, rewrite(pod, v, true)));
            }
        }
        if (c.has("env")) {
            for (Yamls.Node e : c.list("env")) {
                env.put(e.string("name"), rewrite(pod, dependent(value(pod, e), env), true));
            }
        }
        env.putAll(overrides.getOrDefault(pod, Map.of()));
        return env;
    }

    /**
     * A value's references to variables defined before it, expanded as the kubelet does: {@code $(NAME)} is NAME's
     * value when NAME is defined earlier in the list (else left as is), {@code $$} is a literal {@code $}.
     */
    static String dependent(String value, Map<String, String> earlier) {
        Matcher m =
                Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = name == null ? "$" : earlier.getOrDefault(name, m.group());
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        return m.appendTail(out).toString();
    }

    private String value(LocalPod pod, Yamls.Node entry) {
        if (!entry.has("valueFrom")) {
            return entry.has("value") ? entry.string("value") : "";
        }
        Yamls.Node from = entry.path("valueFrom");
        if (from.has("secretKeyRef")) {
            return PodVolumes.key(
                    volumes.secret(from.string("secretKeyRef", "name")), from.string("secretKeyRef", "key"));
        }
        if (from.has("configMapKeyRef")) {
            return PodVolumes.key(
                    volumes.configMap(from.string("configMapKeyRef", "name")), from.string("configMapKeyRef", "key"));
        }
        String field = from.string("fieldRef", "fieldPath");
        return switch (field) {
            case "metadata.name" -> pod.name;
            case "metadata.namespace" -> RenderedChart.NAMESPACE;
            case "spec.nodeName" -> pod.nodeName;
            case "spec.serviceAccountName" -> pod.spec.string("serviceAccountName");
            case "status.podIP", "status.hostIP" -> LocalPod.ADDRESS;
            default -> throw new AssertionError(pod + ": no local value for the downward API field " + field);
        };
    }

    private List<String> command(LocalPod pod) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a read-only root filesystem: the JVM's temporary files go where the container mounts /tmp
        List<String> tmp = pod.container.has("volumeMounts") && mountPaths(pod).contains("/tmp")
                ? List.of("-Djava.io.tmpdir=" + pod.inRoot("/tmp"))
                : List.of();
        LocalPod.Entrypoint entrypoint = entrypoint(pod);
        List<String> command = new ArrayList<>();
        if (pod.container.has("command")) {
            List<String> given = strings(pod.container, "command");
            if (!given.get(0).equals("java")) {
                throw new AssertionError(pod + ": the harness runs java commands only, not " + given);
            }
            command.add(java);
            command.addAll(tmp);
            for (String arg : given.subList(1, given.size())) {
                // the image's classpath file lists the image's jars; here the runnable jar holds all of them
                command.add(
                        arg.equals("@/app/jib-classpath-file")
                                ? entrypoint.jar().toString()
                                : rewrite(pod, arg, false));
            }
        } else {
            command.add(java);
            command.addAll(entrypoint.jvmFlags());
            command.addAll(tmp);
            command.addAll(List.of("-cp", entrypoint.jar().toString(), entrypoint.mainClass()));
        }
        if (pod.container.has("args")) {
            strings(pod.container, "args").forEach(a -> command.add(rewrite(pod, a, false)));
        }
        return command;
    }

    private LocalPod.Entrypoint entrypoint(LocalPod pod) {
        String image = pod.container.string("image");
        String repository = image.substring(0, image.lastIndexOf(':'));
        String name = repository.substring(repository.lastIndexOf('/') + 1);
        return Optional.ofNullable(entrypoints.get(name))
                .orElseThrow(() -> new AssertionError(pod + ": no local entrypoint for image " + image));
    }

    private static List<String> strings(Yamls.Node node, String key) {
        return node.list(key).stream().map(n -> String.valueOf(n.value())).toList();
    }

    private static List<String> mountPaths(LocalPod pod) {
        return pod.container.list("volumeMounts").stream()
                .map(m -> m.string("mountPath"))
                .toList();
    }

    /** The translation of a value from the pod's world to this host (see the class comment). */
    String rewrite(LocalPod pod, String value, boolean environment) {
        if (environment && value.equals("0.0.0.0")) {
            return LocalPod.ADDRESS; // every interface of the pod: its one address
        }
        if (environment
                && value.matches("\\d{1,5}")
                && pod.ports.stream()
                        .anyMatch(p -> String.valueOf(p.containerPort()).equals(value))) {
            return String.valueOf(pod.hostPort(Integer.valueOf(value)));
        }
        String v = value;
        if (pod.container.has("volumeMounts") && !mountPaths(pod).isEmpty()) {
            List<String> paths = new ArrayList<>(mountPaths(pod));
            paths.sort(Comparator.comparingInt(String::length).reversed());
            // one pass over the value, longest mount first, so that a translated path is never translated again
            // (a mount at /tmp would otherwise match the start of a pod folder that lies under /tmp)
            Matcher m = Pattern.compile("(^|[=:,])("
                            + String.join(
                                    "|", paths.stream().map(Pattern::quote).toList()) + ")(?=$|[/:,])")
                    .matcher(v);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + pod.inRoot(m.group(2))));
            }
            v = m.appendTail(out).toString();
        }
        v = clusterNames(v);
        if (v.contains(".svc")) {
            throw new AssertionError(pod + ": no local address for a cluster name in '" + value + "'");
        }
        return v;
    }

    /** Service and pod DNS names, with or without a port, as 127.0.0.1 and the mapped port. */
    private String clusterNames(String value) {
        String v = value;
        for (Map<String, Object> object : chart.objects()) {
            Yamls.Node o = new Yamls.Node(object);
            if (!o.string("kind").equals("Service") || !v.contains(o.string("metadata", "name"))) {
                continue;
            }
            String service = o.string("metadata", "name");
            List<LocalPod> selected = selected(o);
            if (selected.isEmpty()) {
                continue;
            }
            // a ClusterIP Service: its proxy; a headless one (its records list every pod): its first pod
            Map<Integer, Integer> servicePorts = new HashMap<>();
            if (serviceProxies.containsKey(service)) {
                serviceProxies.get(service).forEach((port, proxy) -> servicePorts.put(port, proxy.port()));
            } else {
                for (Yamls.Node port : o.list("spec", "ports")) {
                    Object target =
                            port.has("targetPort") ? port.path("targetPort").value() : port.integer("port");
                    servicePorts.put(port.integer("port"), selected.get(0).hostPort(target));
                }
            }
            v = replaceName(v, service + "." + RenderedChart.NAMESPACE, servicePorts);
            for (LocalPod pod : selected) {
                Map<Integer, Integer> podPorts = new HashMap<>();
                pod.ports.forEach(p -> podPorts.put(p.containerPort(), p.hostPort()));
                v = replaceName(v, pod.name + "." + service + "." + RenderedChart.NAMESPACE, podPorts);
            }
        }
        return v;
    }

    private String replaceName(String value, String name, Map<Integer, Integer> ports) {
        Pattern form = Pattern.compile("(?<![A-Za-z0-9.-])" + Pattern.quote(name) + "(\\.svc(\\."
                + Pattern.quote(clusterDomain) + ")?)?(:(\\d+))?(?![A-Za-z0-9.-])");
        Matcher m = form.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String port = "";
            if (m.group(4) != null) {
                Integer mapped = ports.get(Integer.valueOf(m.group(4)));
                if (mapped == null) {
                    throw new AssertionError(name + " has no port " + m.group(4));
                }
                port = ":" + mapped;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(LocalPod.ADDRESS + port));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<LocalPod.Port> ports(Yamls.Node spec) throws IOException {
        List<LocalPod.Port> ports = new ArrayList<>();
        Yamls.Node container = spec.list("containers").get(0);
        if (container.has("ports")) {
            for (Yamls.Node p : container.list("ports")) {
                ports.add(new LocalPod.Port(
                        p.has("name") ? p.string("name") : "", p.integer("containerPort"), freePort()));
            }
        }
        return ports;
    }

    private static int freePort() throws IOException {
        return LoopbackPorts.free(); // below the ephemeral range: a member never reconnects to itself
    }

    static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        workloads.values().forEach(pods -> pods.forEach(LocalPod::kill));
        serviceProxies.values().forEach(proxies -> proxies.values().forEach(ServiceProxy::close));
    }
}
