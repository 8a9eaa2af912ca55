package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curl commands of docs/deploy.md's walk-through, run as written (the port-forwarded address replaced by a real
 * BMS member's, holding the chart's default rules) with the admin header file the guide has one make. The helm and
 * kubectl steps need a cluster; the chart they install is what the other tests render and run.
 */
class DeployGuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "deploy.md");
    private static final Pattern BASH_BLOCK = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL);
    private static final String FORWARDED = "http://127.0.0.1:8080";
    private static final String UPGRADE_JAVA_OPTS = "-Xlog:gc:stderr";

    @TempDir
    static Path work;

    private static BmsProcess bms;

    @BeforeAll
    static void start() throws Exception {
        // started as after the guide's upgrade: with the JVM options its `helm upgrade` gives, as the chart renders
        // them
        Map<String, Yamls.Node> env = RenderedChart.render(t -> t.set("bms.javaOpts", UPGRADE_JAVA_OPTS))
                .get("StatefulSet", "tp-tokenplane-bms")
                .named("bms", "spec", "template", "spec", "containers")
                .env();
        bms = BmsProcess.start(
                work.resolve("bms"),
                Map.of("JAVA_TOOL_OPTIONS", env.get("JAVA_TOOL_OPTIONS").string("value")));
        bms.putTheChartsDefaultRules();
        // what step 4's kubectl | base64 -d | sed pipeline writes
        Files.writeString(work.resolve("admin.header"), "Authorization: Bearer " + bms.adminToken() + "\n");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (bms != null) {
            bms.close();
        }
    }

    @Test
    void shouldMakeTheFirstDecisionAndTheOverrideOfTheWalkThrough() throws Exception {
        List<String> curls = walkThroughCurls();
        List<String> outputs = new ArrayList<>();
        for (String curl : curls.subList(0, 4)) {
            outputs.add(run(curl));
        }

        assertThat(curls).hasSize(5);
        assertThat(outputs.get(0)).contains("\"servers\"", "server/*");
        assertThat(outputs.get(1)).contains("\"granted\":true", "\"capacity\":1000");
        assertThat(outputs.get(3)).contains("\"capacity\":50", "\"override\":{");
        // the next decision answers with the override's capacity, until the override is deleted
        assertThat(run(curls.get(1))).contains("\"capacity\":50");
        run(curls.get(4));
        assertThat(run(curls.get(3))).contains("\"override\":null");
    }

    @Test
    void shouldRunTheMemberWithTheJvmOptionsOfTheUpgradeStep() throws IOException {
        assertThat(walkThrough()).contains("--set bms.javaOpts='" + UPGRADE_JAVA_OPTS + "'");
        // the JVM itself reads JAVA_TOOL_OPTIONS, on top of the flags of the command line (the image's entrypoint)
        assertThat(bms.log())
                .contains("Picked up JAVA_TOOL_OPTIONS: " + UPGRADE_JAVA_OPTS)
                .containsPattern("\\[gc *\\] Using ");
    }

    @Test
    void shouldNameOnlyCommandsOfThisToolSet() throws IOException {
        for (String command : commands(walkThrough())) {
            assertThat(command.split("\\s+")[0].replace("(umask", "umask"))
                    .as(command)
                    .isIn("mvn", "helm", "kubectl", "curl", "umask");
        }
    }

    /** The guide's curl commands of the walk-through, in order, continuation lines joined. */
    private static List<String> walkThroughCurls() throws IOException {
        return commands(walkThrough()).stream()
                .filter(c -> c.startsWith("curl "))
                .toList();
    }

    private static String walkThrough() throws IOException {
        String guide = Files.readString(GUIDE);
        int start = guide.indexOf("## Walk-through");
        return guide.substring(start, guide.indexOf("\n## ", start + 1));
    }

    private static List<String> commands(String markdown) {
        List<String> commands = new ArrayList<>();
        Matcher block = BASH_BLOCK.matcher(markdown);
        while (block.find()) {
            for (String command : block.group(1).replace("\\\n", " ").split("\n")) {
                if (!command.isBlank()) {
                    commands.add(command.strip().replaceAll("\\s+", " "));
                }
            }
        }
        return commands;
    }

    private static String run(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("bash", "-ec", command.replace(FORWARDED, bms.url()))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + "\n" + output).isZero();
        return output;
    }
}
