package dev.tokenplane.client.support;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A real BMS member in this JVM, started from the BMS module's own {@link BmsNode} on loopback: HTTP on an ephemeral
 * port, a free Hazelcast port, a unique cluster name (tcp-ip join on 127.0.0.1 only), a fresh data directory.
 */
public final class Bms implements AutoCloseable {
    public static final String ADMIN_TOKEN = "client-tests-admin-token-0123456789";

    private final BmsNode node;

    private Bms(BmsNode node) {
        this.node = node;
    }

    public static Bms start() throws Exception {
        return start(Map.of());
    }

    /** A member with {@code extra} settings on top (for example the TLS files). */
    public static Bms start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("BMS_PORT", "0");
        settings.put("BMS_HAZELCAST_PORT", Integer.toString(freePort()));
        settings.put("BMS_CLUSTER_NAME", "client-test-" + UUID.randomUUID());
        settings.put("BMS_DATA_DIR", Files.createTempDirectory("client-bms").toString());
        settings.put("BMS_ADMIN_TOKEN", ADMIN_TOKEN);
        settings.putAll(extra);
        return new Bms(BmsNode.start(BmsSettings.resolve(name -> null, settings)));
    }

    public String url() {
        return node.url();
    }

    /** The HTTP port. */
    public int port() {
        return node.port();
    }

    /** The binary decision protocol's port, or -1 when {@code BMS_DECISION_PORT} is unset. */
    public int decisionPort() {
        return node.decisionPort();
    }

    /** Creates or replaces rule {@code id}; {@code json} is the rule body. */
    public void rule(String id, String json) {
        rule(url(), id, json);
    }

    static void rule(String base, String id, String json) {
        Http.Response r = Http.send(base, "PUT", "/v1/rules/" + id, ADMIN_TOKEN, json);
        if (r.status() != 200 && r.status() != 201) {
            throw new IllegalStateException("rule " + id + ": " + r.status() + " " + r.body());
        }
    }

    /** The whole tokens in bucket {@code key} now (-1 when it does not exist). */
    public long tokens(String key) {
        Http.Response r = Http.send(url(), "GET", "/v1/buckets/" + key, ADMIN_TOKEN, null);
        return r.status() == 404 ? -1 : r.json().getLong("tokens");
    }

    /** The sum of the samples of Prometheus metric {@code name} (all label sets). */
    public double metric(String name) {
        String text = Http.send(url(), "GET", "/metrics", null, null).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Override
    public void close() {
        node.stop();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
