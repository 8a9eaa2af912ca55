package dev.tokenplane.bms.support;

import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.runtime.net.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Settings for test members: port 0, a free Hazelcast port, a unique cluster name and its secret, a fresh data
 * directory.
 */
public final class TestSettings {
    private final Map<String, String> values = new HashMap<>();

    private TestSettings() {}

    /** A single member of a new cluster, in a new temporary data directory. */
    public static TestSettings member() throws IOException {
        return member("test-" + UUID.randomUUID());
    }

    /**
     * A member of {@code clusterName}, in a new temporary data directory, with the cluster secret of that name (so
     * that the members of one test cluster share it, as they must).
     */
    public static TestSettings member(String clusterName) throws IOException {
        TestSettings s = new TestSettings();
        s.values.put("BMS_CLUSTER_SECRET", "secret-of-" + clusterName);
        s.values.put("BMS_PORT", "0");
        s.values.put("BMS_HAZELCAST_PORT", Integer.toString(freePort()));
        s.values.put("BMS_CLUSTER_NAME", clusterName);
        s.values.put("BMS_DATA_DIR", Files.createTempDirectory("bms-test").toString());
        return s;
    }

    public TestSettings with(String variable, String value) {
        values.put(variable, value);
        return this;
    }

    public String get(String variable) {
        return values.get(variable);
    }

    public Path dataDir() {
        return Path.of(values.get("BMS_DATA_DIR"));
    }

    public int hazelcastPort() {
        return Integer.parseInt(values.get("BMS_HAZELCAST_PORT"));
    }

    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    public BmsSettings build() {
        return BmsSettings.resolve(name -> null, values);
    }

    /** A port free right now (the usual small race with other processes is accepted in tests). */
    public static int freePort() throws IOException {
        return LoopbackPorts.free(); // below the ephemeral range: a member never reconnects to itself
    }
}
