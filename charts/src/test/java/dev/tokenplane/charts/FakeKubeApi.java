package dev.tokenplane.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few Kubernetes API calls that Helm's {@code lookup} makes for a Secret, served on an ephemeral loopback port.
 *
 * <p>helm-java renders templates with dry-run option "none", so {@code lookup} talks to the cluster of the
 * kubeconfig. Surefire points {@code KUBECONFIG} at {@link #KUBECONFIG}; this class writes that file with its own
 * address, so a render never reaches a real cluster and tests can say which Secrets "exist" to check that generated
 * tokens are kept across upgrades.
 */
final class FakeKubeApi {

    /** The path surefire puts in KUBECONFIG (see charts/pom.xml). */
    static final Path KUBECONFIG =
            Path.of("target", "fake-kube", "kubeconfig.yaml").toAbsolutePath();

    private static final Pattern SECRET = Pattern.compile("^/api/v1/namespaces/([^/]+)/secrets/([^/]+)$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static FakeKubeApi instance;

    private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();

    private FakeKubeApi() {}

    /** Starts the server once per JVM and writes the kubeconfig that names it. */
    static synchronized FakeKubeApi get() {
        if (instance == null) {
            String configured = System.getenv("KUBECONFIG");
            if (configured == null || !Path.of(configured).toAbsolutePath().equals(KUBECONFIG)) {
                throw new IllegalStateException("Run the chart tests through Maven: KUBECONFIG must be " + KUBECONFIG
                        + " (it is " + configured + "), or Helm's lookup would reach a real cluster.");
            }
            instance = new FakeKubeApi();
            instance.start();
        }
        return instance;
    }

    /** Makes {@code lookup "v1" "Secret" namespace name} find a Secret with this (base64) data. */
    void putSecret(String namespace, String name, Map<String, String> base64Data) {
        secrets.put(namespace + "/" + name, Map.copyOf(base64Data));
    }

    void removeSecret(String namespace, String name) {
        secrets.remove(namespace + "/" + name);
    }

    private void start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(null);
            server.start();
            Files.createDirectories(KUBECONFIG.getParent());
            Files.writeString(
                    KUBECONFIG,
                    String.join(
                            "\n",
                            "apiVersion: v1",
                            "kind: Config",
                            "clusters: [{name: fake, cluster: {server: \"http://127.0.0.1:"
                                    + server.getAddress().getPort() + "\"}}]",
                            "users: [{name: fake, user: {}}]",
                            "contexts: [{name: fake, context: {cluster: fake, user: fake}}]",
                            "current-context: fake",
                            ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher secret = SECRET.matcher(path);
        if (path.equals("/api/v1")) {
            reply(
                    exchange,
                    200,
                    Map.of(
                            "kind",
                            "APIResourceList",
                            "apiVersion",
                            "v1",
                            "groupVersion",
                            "v1",
                            "resources",
                            List.of(Map.of(
                                    "name",
                                    "secrets",
                                    "singularName",
                                    "secret",
                                    "namespaced",
                                    true,
                                    "kind",
                                    "Secret",
                                    "verbs",
                                    List.of("get", "list")))));
        } else if (secret.matches() && secrets.containsKey(secret.group(1) + "/" + secret.group(2))) {
            reply(
                    exchange,
                    200,
                    Map.of(
                            "kind",
                            "Secret",
                            "apiVersion",
                            "v1",
                            "type",
                            "Opaque",
                            "metadata",
                            Map.of("name", secret.group(2), "namespace", secret.group(1)),
                            "data",
                            secrets.get(secret.group(1) + "/" + secret.group(2))));
        } else {
            reply(
                    exchange,
                    404,
                    Map.of(
                            "kind",
                            "Status",
                            "apiVersion",
                            "v1",
                            "status",
                            "Failure",
                            "reason",
                            "NotFound",
                            "code",
                            404,
                            "message",
                            path + " not found"));
        }
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
