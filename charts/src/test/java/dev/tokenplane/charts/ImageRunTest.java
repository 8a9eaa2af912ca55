package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs the BMS and agent images that {@code -Pimage-run} builds on the offline Debian base
 * ({@code charts/images/build-base.sh}), without Docker: each image is unpacked into a root folder
 * ({@link ImageRoot}) and its entrypoint started there in its own mount and PID namespaces ({@link ChrootContainer}).
 * The BMS answers on loopback, takes a rule and a decision with the admin token it wrote into its data directory
 * inside the root, lists the agent that runs from the agent image, and stops cleanly on SIGTERM.
 *
 * <p>Run: {@code mvn -B -ntp -Pimage-run -pl bucket-management-service,load-agent,charts -am verify} (as root).
 * Skipped, saying why, when the base could not be built (not root, no debootstrap, no mirror) or namespaces are not
 * permitted.
 */
@EnabledIfSystemProperty(
        named = "tokenplane.image.run",
        matches = "true",
        disabledReason = "runs the images only with -Pimage-run")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageRunTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "image-run").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ContainerImage bmsImage;
    private Path bmsRoot;
    private Path tokenFile;
    private ChrootContainer bms;
    private ChrootContainer agent;
    private String bmsUrl;
    private String adminToken;

    /** Why the images cannot run here, or null: then every test is skipped (an assumption) with this reason. */
    private String cannotRun;

    @BeforeAll
    void startTheBmsFromItsImage() throws Exception {
        bmsImage = ContainerImage.read(tarball("bucket-management-service"));
        cannotRun = whyImagesCannotRun(bmsImage);
        if (cannotRun != null) {
            return;
        }
        ImageRoot.deleteIfPresent(WORK);
        bmsRoot = WORK.resolve("bms/root");
        ImageRoot.unpack(tarball("bucket-management-service"), bmsRoot);

        int port = freePort();
        bmsUrl = "http://127.0.0.1:" + port;
        bms = ChrootContainer.start(
                bmsImage,
                bmsRoot,
                Map.of(
                        "BMS_PORT",
                        Integer.toString(port),
                        "BMS_HOST",
                        "127.0.0.1",
                        "BMS_HAZELCAST_PORT",
                        Integer.toString(freePort()),
                        "BMS_CLUSTER_NAME",
                        "image-run-" + UUID.randomUUID()),
                WORK.resolve("bms.log"));
        awaitUntil(bms, START_TIMEOUT, () -> get("/health/ready", null).statusCode() == 200);
        // the image's BMS_DATA_DIR, inside the root
        tokenFile =
                bmsRoot.resolve(bmsImage.env().get("BMS_DATA_DIR").substring(1)).resolve("admin-token");
        adminToken = Files.readString(tokenFile).strip();
    }

    /** Reported by each test, so that the reason shows in the test report. */
    private void assumeImagesCanRun() {
        assumeThat(cannotRun).as("the images cannot run here: %s", cannotRun).isNull();
    }

    private static String whyImagesCannotRun(ContainerImage image) throws IOException, InterruptedException {
        String unavailable = image.labels().get("dev.tokenplane.base.unavailable");
        if (unavailable != null) {
            return "the offline base image could not be built (" + unavailable + "), so the images have no JVM; "
                    + "see charts/images/build-base.sh";
        }
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            return "running an image needs root (chroot, mount and PID namespaces); this is uid " + uid;
        }
        if (new ProcessBuilder("unshare", "--mount", "--pid", "--fork", "true")
                        .start()
                        .waitFor()
                != 0) {
            return "unshare --mount --pid --fork is not permitted here";
        }
        return null;
    }

    @AfterAll
    void stopEverything() throws InterruptedException {
        for (ChrootContainer container : new ChrootContainer[] {agent, bms}) {
            if (container != null) {
                container.close();
            }
        }
    }

    @Test
    @Order(1)
    void shouldServeARuleAndADecisionWithTheTokenTheBmsWroteInsideItsRoot() throws Exception {
        assumeImagesCanRun();
        // Given the admin token the BMS generated in its data directory, inside the root, readable only by its owner
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)))
                .isEqualTo("rw-------");
        assertThat(adminToken).hasSizeGreaterThanOrEqualTo(16);

        // When a rule is created and a bucket under it asked for a token
        HttpResponse<String> rule =
                send("PUT", "/v1/rules/image-run", "{\"match\":\"image-run:*\",\"capacity\":2,\"refillPerSecond\":1}");
        HttpResponse<String> acquire = send("POST", "/v1/buckets/image-run:a/acquire", "{\"tokens\":1}");

        // Then the rule is stored and the token granted from it
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);
        assertThat(acquire.statusCode()).as(acquire.body()).isEqualTo(200);
        JsonNode decision = JSON.readTree(acquire.body());
        assertThat(decision.get("granted").asBoolean()).isTrue();
        assertThat(decision.get("ruleId").asText()).isEqualTo("image-run");
        assertThat(decision.get("remaining").asLong()).isEqualTo(1);
        assertThat(Files.readString(bms.log())).doesNotContain(adminToken);
    }

    @Test
    @Order(2)
    void shouldListTheAgentThatRunsFromTheAgentImage() throws Exception {
        assumeImagesCanRun();
        // Given an agent started from its own image, reporting to the BMS with the admin token
        ContainerImage agentImage = ContainerImage.read(tarball("load-agent"));
        Path agentRoot = WORK.resolve("agent/root");
        ImageRoot.unpack(tarball("load-agent"), agentRoot);
        String serverId = "image-run-" + UUID.randomUUID().toString().substring(0, 8);
        agent = ChrootContainer.start(
                agentImage,
                agentRoot,
                Map.of(
                        "AGENT_BMS_URLS", bmsUrl,
                        "AGENT_BMS_TOKEN", adminToken,
                        "AGENT_SERVER_ID", serverId,
                        "AGENT_PORT", Integer.toString(freePort()),
                        "AGENT_INTERVAL_MS", "200"),
                WORK.resolve("agent.log"));

        // When its reports arrive, the BMS lists it as fresh
        awaitUntil(agent, START_TIMEOUT, () -> agentListed(serverId));

        // Then SIGTERM stops the agent through the JVM's shutdown hooks
        assertExitsOnSigterm(agent, agentRoot, Duration.ofSeconds(30));
    }

    @Test
    @Order(3)
    void shouldStopTheBmsCleanlyOnSigterm() throws Exception {
        assumeImagesCanRun();
        // When the BMS gets SIGTERM, it exits
        assertExitsOnSigterm(bms, bmsRoot, Duration.ofSeconds(60));

        // Then its shutdown hook stopped it gracefully (HTTP servers drained, Hazelcast member left)
        assertThat(Files.readString(bms.log()))
                .contains("is SHUTDOWN", "BMS member stopped")
                .doesNotContain("did not shut down cleanly", " ERROR ");
    }

    /**
     * The container's PID 1 is the image's own JVM (under {@code root}, not the machine's), and SIGTERM makes it exit
     * with 143: 128 + 15, the JVM's status for SIGTERM once its shutdown hooks have run.
     */
    private static void assertExitsOnSigterm(ChrootContainer container, Path root, Duration timeout)
            throws IOException, InterruptedException {
        Path realRoot = root.toRealPath();
        assertThat(container.program().info().command())
                .hasValueSatisfying(
                        java -> assertThat(Path.of(java)).startsWith(realRoot).endsWith(Path.of("bin/java")));
        container.terminate();
        assertThat(container.waitFor(timeout))
                .as("exit code; see %s", container.log())
                .isEqualTo(OptionalInt.of(143));
    }

    private boolean agentListed(String serverId) throws IOException, InterruptedException {
        HttpResponse<String> agents = get("/v1/agents", adminToken);
        if (agents.statusCode() != 200) {
            return false;
        }
        for (JsonNode a : JSON.readTree(agents.body()).get("agents")) {
            if (a.get("serverId").asText().equals(serverId) && !a.get("stale").asBoolean()) {
                return true;
            }
        }
        return false;
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(bmsUrl + path)).timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(bmsUrl + path))
                        .timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + adminToken)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code condition} (connection failures count as false) until it holds, failing if the process exits. */
    private static void awaitUntil(ChrootContainer container, Duration timeout, Check condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(container.isAlive())
                    .as("the process exited; see %s", container.log())
                    .isTrue();
            assertThat(System.nanoTime())
                    .as("not there after %s; see %s", timeout, container.log())
                    .isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws IOException, InterruptedException;
    }

    private static Path tarball(String module) {
        Path tarball = ROOT.resolve(module).resolve("target/jib-image.tar");
        assertThat(tarball)
                .as("build it in the same reactor: mvn -B -ntp -Pimage-run "
                        + "-pl bucket-management-service,load-agent,charts -am verify")
                .exists();
        return tarball;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
