package dev.tokenplane.client.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A real BMS in its own JVM, started from the BMS module's entry point {@code dev.tokenplane.bms.BmsMain} on this test
 * JVM's class path: so it can be killed with SIGKILL, frozen with SIGSTOP, and started again on the same HTTP port and
 * data directory, and this JVM's threads and sockets are the client's alone.
 */
public final class BmsProcess implements AutoCloseable {
    /** Hazelcast's JVM flags (the parent pom's, passed in by surefire). */
    private static final String JVM_FLAGS = System.getProperty(
            "bms.jvm.flags",
            "--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED "
                    + "--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED "
                    + "--add-opens java.management/sun.management=ALL-UNNAMED "
                    + "--add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private final int port;
    private final Path dataDir;
    private final String clusterName = "client-test-" + UUID.randomUUID();
    private List<String> jvmOptions = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private Process process;

    public BmsProcess(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** JVM options instead of the defaults (a small heap and C1 only, for a quick start). */
    public BmsProcess jvmOptions(String... options) {
        this.jvmOptions = List.of(options);
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the BMS and waits until it is ready (at most 90 s). */
    public BmsProcess start() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(JVM_FLAGS.trim().split("\\s+")));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dhazelcast.phone.home.enabled=false",
                "-Dhazelcast.logging.type=slf4j",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tokenplane.bms.BmsMain"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolve("bms.log").toFile()));
        pb.environment().put("BMS_PORT", Integer.toString(port));
        pb.environment().put("BMS_HOST", "127.0.0.1");
        pb.environment().put("BMS_DATA_DIR", dataDir.toString());
        pb.environment().put("BMS_ADMIN_TOKEN", Bms.ADMIN_TOKEN);
        pb.environment().put("BMS_HAZELCAST_PORT", Integer.toString(Bms.freePort()));
        pb.environment().put("BMS_CLUSTER_NAME", clusterName);
        pb.environment().put("BMS_SHUTDOWN_TIMEOUT_MS", "1000");
        process = pb.start();
        long deadline = System.nanoTime() + 90_000_000_000L;
        while (!Http.ok(url(), "/health/ready")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("the BMS did not start; see " + dataDir.resolve("bms.log"));
            }
            Thread.sleep(100);
        }
        return this;
    }

    public void rule(String id, String json) {
        Bms.rule(url(), id, json);
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the process hangs; its sockets still accept connections (the kernel's backlog) but nothing answers. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        // the signal is delivered asynchronously: wait until the kernel reports the process stopped ('T')
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!stoppedState(Files.readString(stat))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the BMS did not stop");
            }
            Thread.sleep(5);
        }
    }

    private static boolean stoppedState(String stat) {
        // pid (comm) state ...: the state follows the last ')'
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("T");
    }

    /** SIGCONT. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            resume0();
            kill();
        }
    }

    private void resume0() {
        try {
            resume();
        } catch (IOException | InterruptedException | IllegalStateException e) {
            // killing it is what matters
        }
    }
}
