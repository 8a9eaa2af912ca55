package dev.tokenplane.cli;

import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;
import java.util.UUID;

/** A real BMS member in the test JVM (the features BmsMain runs: sizing and transfers), on free ports. */
final class TestBms {
    private TestBms() {}

    /** The read-only token of the members {@link #start} starts. */
    static final String READ_TOKEN = "cli-read-token-0123456789abcdef";

    static BmsNode start(long agentStaleMs) throws Exception {
        Map<String, String> values = Map.of(
                "BMS_READ_TOKEN",
                READ_TOKEN,
                "BMS_PORT",
                "0",
                "BMS_HAZELCAST_PORT",
                Integer.toString(freePort()),
                "BMS_CLUSTER_NAME",
                "cli-test-" + UUID.randomUUID(),
                "BMS_DATA_DIR",
                Files.createTempDirectory("cli-bms").toString(),
                "BMS_AGENT_STALE_MS",
                Long.toString(agentStaleMs));
        return BmsNode.start(BmsSettings.resolve(name -> null, values), BmsMain.options(), InstantSource.system());
    }

    /** The node's admin token in a new file. */
    static Path tokenFile(BmsNode node) throws IOException {
        return tokenFile(node.adminToken());
    }

    /** {@code token} in a new file. */
    static Path tokenFile(String token) throws IOException {
        Path file = Files.createTempFile("cli-token", "");
        Files.writeString(file, token + "\n");
        return file;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
