package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code helm test} pod, run here: its script, with exactly the pod's variables (the Service URL replaced by the
 * real BMS's), under {@code sh} with this machine's curl, against a real BMS member that holds the chart's default
 * rules, once without API keys and once with the chart's API-key Secret.
 */
class HelmTestHookTest {

    private static final String POD = "tp-tokenplane-test";

    @TempDir
    static Path work;

    private static BmsProcess open;
    private static BmsProcess keyed;
    private static RenderedChart withApiKeys;

    @BeforeAll
    static void startTwoMembers() throws Exception {
        open = BmsProcess.start(work.resolve("open"), Map.of());
        withApiKeys = RenderedChart.renderWithHooks(
                t -> t.set("bms.apiKeys.zz-second-key", "client-b").set("bms.apiKeys.aa-first-key", "client-a"));
        Path apiKeys = Files.writeString(
                work.resolve("api-keys.yaml"),
                withApiKeys.get("Secret", "tp-tokenplane-bms-api-keys").string("stringData", "api-keys.yaml"));
        keyed = BmsProcess.start(work.resolve("keyed"), Map.of("BMS_API_KEYS_FILE", apiKeys.toString()));
        for (BmsProcess bms : List.of(open, keyed)) {
            bms.putTheChartsDefaultRules();
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        for (BmsProcess bms : new BmsProcess[] {open, keyed}) {
            if (bms != null) {
                bms.close();
            }
        }
    }

    @Test
    void shouldBeAHelmTestHookThatRunsOnceAsNonRoot() {
        Yamls.Node pod = RenderedChart.renderWithHooks(t -> t).get("Pod", POD);

        assertThat(pod.string("metadata", "annotations", RenderedChart.HOOK_PREFIX + "helm.sh/hook"))
                .isEqualTo("test");
        assertThat(pod.string("spec", "restartPolicy")).isEqualTo("Never");
        // kept until the next `helm test`, so that `helm test --logs` can read it
        assertThat(pod.string("metadata", "annotations", RenderedChart.HOOK_PREFIX + "helm.sh/hook-delete-policy"))
                .isEqualTo("before-hook-creation");
        assertThat(pod.path("spec", "securityContext", "runAsNonRoot").value()).isEqualTo(true);
        assertThat(pod.string("spec", "containers", 0, "image")).isEqualTo("curlimages/curl:8.11.1");
        assertThat(RenderedChart.renderWithHooks(t -> t.set("tests.enabled", false))
                        .kinds())
                .doesNotContain("Pod");
        // an ordinary install renders no test pod: Helm keeps it for `helm test`
        assertThat(RenderedChart.renderDefaults().kinds()).doesNotContain("Pod");
    }

    @Test
    void shouldPassAgainstAReadyBmsWithTheDefaultValues() throws Exception {
        Run run = runTestPod(RenderedChart.renderWithHooks(t -> t), open, Map.of());

        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).contains("\"granted\":true", "decision made");
    }

    @Test
    void shouldSendTheFirstApiKeyFromTheChartsSecretWhenDecisionsNeedOne() throws Exception {
        Yamls.Node apiKey = container(withApiKeys).env().get("API_KEY");
        Run run = runTestPod(withApiKeys, keyed, Map.of());

        assertThat(apiKey.string("valueFrom", "secretKeyRef", "name")).isEqualTo("tp-tokenplane-bms-api-keys");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(run.output).contains("\"granted\":true").doesNotContain("aa-first-key");
        // the same member refuses the same script without the key: the test pod checks what it claims to
        Run withoutKey = runTestPod(RenderedChart.renderWithHooks(t -> t), keyed, Map.of());
        assertThat(withoutKey.exit).as(withoutKey.output).isNotZero();
        assertThat(withoutKey.output).contains("no decision: HTTP 401");
    }

    @Test
    void shouldFailWhenNoRuleMatchesTheDecisionKey() throws Exception {
        Run run = runTestPod(
                RenderedChart.renderWithHooks(t -> t.set("tests.decisionKey", "nobody/matches")), open, Map.of());

        assertThat(run.exit).isNotZero();
        assertThat(run.output).contains("nobody%2Fmatches", "no decision: HTTP 404");
    }

    @Test
    void shouldFailWhenTheBmsNeverAnswersReady() throws Exception {
        RenderedChart noRetries = RenderedChart.renderWithHooks(t -> t.set("tests.readyRetries", 0));
        String closed = "http://127.0.0.1:" + BmsProcess.freePort();

        Run run = runTestPod(noRetries, open, Map.of("BMS_URL", closed));

        assertThat(run.exit).isNotZero();
        assertThat(run.output).doesNotContain("decision made");
    }

    private record Run(int exit, String output) {}

    /**
     * Runs the pod's command with its variables: values as rendered, secret references read from the rendered
     * Secret, BMS_URL pointed at {@code bms} and TMPDIR at a fresh folder; {@code overrides} replace any of them.
     */
    private static Run runTestPod(RenderedChart chart, BmsProcess bms, Map<String, String> overrides)
            throws IOException, InterruptedException {
        Yamls.Node container = container(chart);
        ProcessBuilder builder = new ProcessBuilder(container.list("command").stream()
                        .map(n -> String.valueOf(n.value()))
                        .toList())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        container
                .env()
                .forEach((name, entry) -> env.put(
                        name,
                        entry.has("value")
                                ? entry.string("value")
                                : chart.get("Secret", entry.string("valueFrom", "secretKeyRef", "name"))
                                        .string("stringData", entry.string("valueFrom", "secretKeyRef", "key"))));
        env.put("BMS_URL", bms.url());
        env.put("TMPDIR", Files.createTempDirectory(work, "tmp").toString());
        env.putAll(overrides);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static Yamls.Node container(RenderedChart chart) {
        return chart.get("Pod", POD).named("check", "spec", "containers");
    }
}
