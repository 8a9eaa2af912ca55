package dev.tokenplane.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One BMS member JVM, run from the shaded jar ({@code java -jar bms.jar}) at its {@link Network.Place}, with signals
 * for faults: kill -9, SIGSTOP and SIGCONT, SIGTERM, and a restart with the same data directory (optionally with its
 * clock offset through libfaketime). Its output is appended to {@code member-<n>.log} in the work folder.
 */
final class Member {

    /** Debian's libfaketime ({@code apt-get install faketime}). */
    static final Path LIBFAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    /**
     * Hazelcast's failure detection and split-brain merge, shortened from 60 s and 300 s so that a partition of tens
     * of seconds splits and heals within the run (Hazelcast reads these from system properties).
     */
    static final List<String> HAZELCAST_TIMING = List.of(
            "-Dhazelcast.heartbeat.interval.seconds=1",
            "-Dhazelcast.max.no.heartbeat.seconds=8",
            "-Dhazelcast.merge.first.run.delay.seconds=5",
            "-Dhazelcast.merge.next.run.delay.seconds=5");

    final int index;
    final Network.Place place;
    final int httpPort;
    final int hazelcastPort;
    final Path dataDir;
    final Path log;
    private final Map<String, String> env;
    private final Path jar;
    private volatile Process process;

    Member(
            int index,
            Network.Place place,
            int httpPort,
            int hazelcastPort,
            Path dataDir,
            Path log,
            Map<String, String> env,
            Path jar) {
        this.index = index;
        this.place = place;
        this.httpPort = httpPort;
        this.hazelcastPort = hazelcastPort;
        this.dataDir = dataDir;
        this.log = log;
        this.env = new LinkedHashMap<>(env);
        this.jar = jar;
    }

    String url() {
        return "http://" + place.httpHost() + ":" + httpPort;
    }

    String memberAddress() {
        return place.memberHost() + ":" + hazelcastPort;
    }

    /** Starts the JVM; {@code clockOffset} non-null runs it under libfaketime with that offset ("+5s", "-5s"). */
    void start(String clockOffset) throws IOException {
        Files.createDirectories(dataDir);
        List<String> command = new ArrayList<>(place.commandPrefix());
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(HAZELCAST_TIMING);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment()
                .keySet()
                .removeIf(k -> k.startsWith("BMS_")
                        || k.startsWith("FAKETIME")
                        || k.equals("LD_PRELOAD")
                        || k.startsWith("JAVA_TOOL"));
        builder.environment().putAll(env);
        builder.environment().put("BMS_PORT", Integer.toString(httpPort));
        builder.environment().put("BMS_HOST", place.httpHost());
        builder.environment().put("BMS_HAZELCAST_PORT", Integer.toString(hazelcastPort));
        builder.environment().put("BMS_HAZELCAST_HOST", place.memberHost());
        builder.environment().put("BMS_DATA_DIR", dataDir.toString());
        if (clockOffset != null) {
            builder.environment().put("LD_PRELOAD", LIBFAKETIME.toString());
            builder.environment().put("FAKETIME", clockOffset);
            // The JVM's timers and Hazelcast's heartbeats run on the monotonic clock: leave it alone.
            builder.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            // and leave the JVM's timed waits alone: with the default monotonic fix, Debian's libfaketime 0.9.10 turns
            // every timed park (LockSupport.parkNanos, Object.wait(ms)) into an immediate return, for +5 s and -5 s
            // alike, so the member spun instead of waiting and never became ready: the fault measured a broken JVM,
            // not a skewed clock (libfaketime issue 469, pull request 503)
            builder.environment().put("FAKETIME_FORCE_MONOTONIC_FIX", "0");
        }
        Files.writeString(
                log,
                "=== start member " + index + (clockOffset == null ? "" : " clock " + clockOffset) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process = builder.start();
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** kill -9: no shutdown hook, no goodbye to the cluster. */
    void kill9() throws InterruptedException {
        Process p = process;
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, without waiting. */
    void terminate() {
        Process p = process;
        if (p != null) {
            p.destroy();
        }
    }

    /** SIGTERM and wait for the graceful shutdown (drain, leave the cluster). */
    void stopGracefully() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the whole JVM freezes, as in a long GC pause; its sockets stay open. */
    void pause() {
        signal("STOP");
    }

    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        Network.quietly("kill", "-" + signal, Long.toString(process.pid()));
    }

    /** The JVM's output so far (the end of it, for failure messages). */
    String tail() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(Math.max(0, all.length() - 6_000));
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    static Duration startTimeout() {
        return Duration.ofSeconds(120);
    }

    @Override
    public String toString() {
        return "member-" + index;
    }
}
