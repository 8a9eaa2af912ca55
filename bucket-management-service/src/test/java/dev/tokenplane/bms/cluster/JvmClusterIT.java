package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.BmsProcess;
import dev.tokenplane.bms.support.TestSettings;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Separate BMS JVMs started from the built jar ({@code java -jar bms.jar}, no extra flags: the manifest carries the
 * opens Hazelcast needs), joined through BMS_CLUSTER_MEMBERS. Requests spread over the JVMs obey one bucket; after
 * kill -9 of every JVM and a restart, every acknowledged rule and override is back; SIGTERM stops a member cleanly.
 */
class JvmClusterIT {
    private final List<Process> processes = new ArrayList<>();

    /** One member JVM: its ports, data directory and output file. */
    record Member(int httpPort, int hazelcastPort, Path dataDir, Path output) {
        String url() {
            return "http://127.0.0.1:" + httpPort;
        }

        String adminToken() throws IOException {
            return Files.readString(dataDir.resolve("admin-token"), StandardCharsets.US_ASCII)
                    .trim();
        }

        Api api() throws IOException {
            return new Api(url(), adminToken());
        }
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process start(Member m, String clusterName, String members) throws IOException {
        Path jar = Path.of(System.getProperty("bms.jar", "target/bms.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "--port",
                        Integer.toString(m.httpPort()),
                        "--hazelcast-port",
                        Integer.toString(m.hazelcastPort()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(m.output().toFile()));
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("BMS_"));
        env.put("BMS_DATA_DIR", m.dataDir().toString());
        env.put("BMS_CLUSTER_NAME", clusterName);
        env.put("BMS_CLUSTER_SECRET", "secret-of-" + clusterName);
        env.put("BMS_CLUSTER_MEMBERS", members);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static void awaitReady(Member m) {
        BmsProcess.awaitReady(m.url(), () -> true, () -> read(m.output()));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    private static int spread(List<Api> apis, String key, int times) {
        int granted = 0;
        for (int i = 0; i < times; i++) {
            JsonNode d = apis.get(i % apis.size())
                    .post("/v1/buckets/" + key + "/acquire", "{}")
                    .json();
            granted += d.get("granted").asBoolean() ? 1 : 0;
        }
        return granted;
    }

    @Test
    void shouldShareBucketsAndKeepEveryAcknowledgedWriteThroughKillMinus9OfEveryMember() throws Exception {
        String cluster = "it-" + UUID.randomUUID();
        Path root = Files.createTempDirectory("bms-jvm-it");
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            members.add(new Member(
                    TestSettings.freePort(),
                    TestSettings.freePort(),
                    root.resolve("m" + i),
                    root.resolve("m" + i + ".log")));
        }
        String memberList = "127.0.0.1:" + members.get(0).hazelcastPort() + ",127.0.0.1:"
                + members.get(1).hazelcastPort();

        // Given two member JVMs, each generating its own admin token
        for (Member m : members) {
            start(m, cluster, memberList);
        }
        members.forEach(JvmClusterIT::awaitReady);
        Api a = members.get(0).api();
        Api b = members.get(1).api();
        assertThat(a.getAnonymous("/health/ready").json().get("members").asInt())
                .isEqualTo(2);

        // Then each printed its URL and the token file's path, never the token
        for (Member m : members) {
            String out = read(m.output());
            assertThat(out).contains("BMS ready at " + m.url());
            assertThat(out).contains("Admin token in " + m.dataDir().resolve("admin-token"));
            assertThat(out).doesNotContain(m.adminToken());
        }

        // When rules and overrides are written through both members
        assertThat(a.put("/v1/rules/jvm", Map.of("match", "jvm:*", "capacity", 15, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(201);
        assertThat(b.put("/v1/rules/jvm", Map.of("match", "jvm:*", "capacity", 16, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(200);
        assertThat(b.put("/v1/buckets/jvm:pinned/override", Map.of("capacity", 4, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(201);
        assertThat(a.delete("/v1/rules/login").status()).isEqualTo(204);
        Await.until(() -> b.get("/v1/rules/login").status() == 404);

        // Then requests spread over the two JVMs obey one bucket
        assertThat(spread(List.of(a, b), "jvm:shared", 40)).isEqualTo(16);
        assertThat(spread(List.of(a, b), "jvm:pinned", 10)).isEqualTo(4);

        // When every JVM is killed with SIGKILL and started again
        for (Process p : processes) {
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        processes.clear();
        for (Member m : members) {
            start(m, cluster, memberList);
        }
        members.forEach(JvmClusterIT::awaitReady);
        Api a2 = members.get(0).api();
        Api b2 = members.get(1).api();

        // Then every acknowledged write is back, on both members
        for (Api api : List.of(a2, b2)) {
            JsonNode rule = api.get("/v1/rules/jvm").json();
            assertThat(rule.get("version").asLong()).isEqualTo(2);
            assertThat(rule.get("capacity").asLong()).isEqualTo(16);
            assertThat(api.get("/v1/rules/login").status()).isEqualTo(404);
            assertThat(api.get("/v1/rules/free").status()).isEqualTo(200);
        }
        assertThat(spread(List.of(a2, b2), "jvm:pinned", 10)).isEqualTo(4);

        // And SIGTERM stops a member gracefully: it exits, and the other carries on alone
        Process first = processes.get(0);
        first.destroy();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(read(members.get(0).output())).contains("BMS member stopped");
        Await.until(() -> b2.getAnonymous("/health/ready").json().get("members").asInt() == 1);
        assertThat(b2.get("/v1/rules/jvm").status()).isEqualTo(200);
        assertThat(new File(members.get(0).dataDir().resolve("config.db").toString()))
                .exists();
    }

    @Test
    void shouldStopWithTheVariableAndTheRangeForABadValue() throws Exception {
        Path jar = Path.of(System.getProperty("bms.jar", "target/bms.jar"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder flag =
                new ProcessBuilder(java, "-jar", jar.toString(), "--port", "http").redirectErrorStream(true);
        ProcessBuilder env = new ProcessBuilder(java, "-jar", jar.toString()).redirectErrorStream(true);
        env.environment().put("BMS_MAX_BODY_BYTES", "12");

        for (var c : List.of(
                Map.entry(flag, "BMS_PORT (--port) must be an integer in [0, 65535], was 'http'"),
                Map.entry(env, "BMS_MAX_BODY_BYTES (--max-body-bytes) must be an integer in [1024, 16777216]"))) {
            Process p = c.getKey().start();
            processes.add(p);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(out).contains(c.getValue());
        }
    }
}
