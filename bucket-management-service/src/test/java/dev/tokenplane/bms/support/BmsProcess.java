package dev.tokenplane.bms.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One BMS member in a JVM of its own, started from the shaded {@code bms.jar} with a small heap and
 * {@code -XX:+ExitOnOutOfMemoryError} (so that running out of heap ends the process, and the test sees it), for tests
 * and benchmarks that need the member's memory apart from theirs.
 */
public final class BmsProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final int httpPort;
    private final Path dataDir;
    private final Path output;

    private BmsProcess(Process process, int httpPort, Path dataDir, Path output) {
        this.process = process;
        this.httpPort = httpPort;
        this.dataDir = dataDir;
        this.output = output;
    }

    /**
     * Starts a member with {@code heap} (for example "256m") and these extra variables, and waits until it is ready.
     */
    public static BmsProcess start(String heap, Map<String, String> variables) throws IOException {
        List<String> prefix = new ArrayList<>();
        // a benchmark may pin the member to some CPUs (taskset) and pass it JVM options (a JFR recording)
        String cpus = System.getProperty("bms.cpus", "");
        if (!cpus.isBlank()) {
            prefix.addAll(List.of("taskset", "-c", cpus.trim()));
        }
        List<String> flags = new ArrayList<>(List.of("-Xmx" + heap, "-Xms" + heap, "-XX:+ExitOnOutOfMemoryError"));
        String options = System.getProperty("bms.jvmOptions", "");
        if (!options.isBlank()) {
            flags.addAll(List.of(options.trim().split("\\s+")));
        }
        return start(prefix, flags, variables);
    }

    /**
     * Starts a member with exactly these JVM flags (no heap of its own: the JVM sizes it), its command after
     * {@code launcher} (a program that runs the rest of the command line, such as {@code taskset -c 0} or
     * {@code bench/in-cgroup.sh 1g 2}; empty: none), and waits until it is ready.
     */
    public static BmsProcess start(List<String> launcher, List<String> jvmFlags, Map<String, String> variables)
            throws IOException {
        Path jar = Path.of(System.getProperty("bms.jar", "target/bms.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn package (failsafe runs after it)");
        }
        Path root = Files.createTempDirectory("bms-process");
        int httpPort = TestSettings.freePort();
        Path output = root.resolve("bms.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(jvmFlags);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BMS_"));
        env.put("BMS_PORT", Integer.toString(httpPort));
        env.put("BMS_HAZELCAST_PORT", Integer.toString(TestSettings.freePort()));
        env.put("BMS_CLUSTER_NAME", "process-" + UUID.randomUUID());
        env.put("BMS_DATA_DIR", root.resolve("data").toString());
        env.putAll(variables);
        BmsProcess bms = new BmsProcess(pb.start(), httpPort, root.resolve("data"), output);
        bms.awaitReady();
        return bms;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public Api api() throws IOException {
        return new Api(
                url(),
                Files.readString(dataDir.resolve("admin-token"), StandardCharsets.US_ASCII)
                        .trim());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The member's output so far. */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    /** Heap in use after a full GC, in bytes, read with {@code jcmd} (GC.run, then GC.heap_info). */
    public long heapUsedAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("no heap figure from jcmd");
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(process.pid()), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    private void awaitReady() {
        try {
            awaitReady(url(), process::isAlive, this::output);
        } catch (AssertionError e) {
            close();
            throw e;
        }
    }

    /** Waits up to 2 minutes until {@code url}'s readiness answers 200; fails with the member's output otherwise. */
    public static void awaitReady(String url, BooleanSupplier alive, Supplier<String> output) {
        Await.until(
                () -> !alive.getAsBoolean()
                        || new Api(url, "").getAnonymous("/health/ready").status() == 200,
                Duration.ofMinutes(2),
                () -> "member on " + url + " not ready; output:\n" + output.get());
        if (!alive.getAsBoolean()) {
            throw new AssertionError("member on " + url + " exited; output:\n" + output.get());
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
