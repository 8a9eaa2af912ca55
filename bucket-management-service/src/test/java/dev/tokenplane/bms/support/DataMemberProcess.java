package dev.tokenplane.bms.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A data member ({@code dev.tokenplane.bms.DataMemberMain}) in a JVM of its own, started from this test's class path
 * (the BMS classes and the token-store jar, as a data member's class path must hold), for the tests of
 * {@code BMS_HAZELCAST_MODE=client}. Its settings come from {@link TestSettings}: a free member port, a free client
 * port, the cluster name and secret of {@code cluster}.
 */
public final class DataMemberProcess implements AutoCloseable {
    private static final String READY = "BMS data member ready";

    private final Process process;
    private final int clientPort;
    private final Path output;

    private DataMemberProcess(Process process, int clientPort, Path output) {
        this.process = process;
        this.clientPort = clientPort;
        this.output = output;
    }

    /** Starts a data member of {@code cluster}'s name and secret, and waits until it is ready (60 s at most). */
    public static DataMemberProcess start(TestSettings cluster) throws IOException {
        int clientPort = TestSettings.freePort();
        Path root = Files.createTempDirectory("bms-data-member");
        Path output = root.resolve("member.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "dev.tokenplane.bms.DataMemberMain"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BMS_"));
        env.put("BMS_HAZELCAST_PORT", Integer.toString(TestSettings.freePort()));
        env.put("BMS_HAZELCAST_CLIENT_PORT", Integer.toString(clientPort));
        env.put("BMS_CLUSTER_NAME", cluster.get("BMS_CLUSTER_NAME"));
        env.put("BMS_CLUSTER_SECRET", cluster.get("BMS_CLUSTER_SECRET")); // environment, never the command line
        env.put("BMS_DATA_DIR", root.resolve("data").toString());
        DataMemberProcess member = new DataMemberProcess(pb.start(), clientPort, output);
        try {
            Await.until(() -> member.output().contains(READY) || !member.process.isAlive(), 60_000);
        } catch (AssertionError e) {
            member.close();
            throw new IllegalStateException("data member not ready in 60 s:\n" + member.output(), e);
        }
        if (!member.process.isAlive()) {
            throw new IllegalStateException("data member exited:\n" + member.output());
        }
        return member;
    }

    /** Where BMS clients connect: {@code 127.0.0.1:<client port>}. */
    public String clientAddress() {
        return "127.0.0.1:" + clientPort;
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM (a graceful leave), then SIGKILL after 20 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
