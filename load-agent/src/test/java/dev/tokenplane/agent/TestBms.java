package dev.tokenplane.agent;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** A real BMS member for the agent's tests: loopback, free ports, its own cluster name and data directory. */
final class TestBms {
    private TestBms() {}

    /** A member with {@code extra} settings on top of the test defaults. */
    static BmsNode start(Map<String, String> extra) throws Exception {
        int hazelcastPort;
        try (ServerSocket s = new ServerSocket(0)) {
            hazelcastPort = s.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "BMS_PORT",
                "0",
                "BMS_HAZELCAST_PORT",
                Integer.toString(hazelcastPort),
                "BMS_CLUSTER_NAME",
                "test-" + UUID.randomUUID(),
                "BMS_DATA_DIR",
                Files.createTempDirectory("agent-bms").toString()));
        settings.putAll(extra);
        return BmsNode.start(BmsSettings.resolve(name -> null, settings));
    }
}
