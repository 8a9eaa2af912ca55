package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenplane.bms.support.BmsProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The collector of a member in the chart's default container (a 1 GiB memory limit, 2 CPUs), started from the built
 * jar with the image's JVM flags inside a control group with those limits ({@code bench/in-cgroup.sh}), as a
 * container runtime would: the JVM then sizes its heap from the limit, and on its own it would pick SerialGC (the
 * limit is under its 1,792 MB threshold for G1), whose paced tail was about twice G1's in that container
 * (BENCHMARKS.md). The image's flags make it pick G1, and a collector named in {@code JAVA_TOOL_OPTIONS} (the chart's
 * {@code bms.javaOpts}) still wins. Skipped where control groups cannot be made (not root, not Linux).
 */
class ContainerGcIT {
    private static final Path IN_CGROUP = Path.of("bench", "in-cgroup.sh").toAbsolutePath();
    /** The chart's default memory limit and CPUs of a member. */
    private static final List<String> CONTAINER = List.of(IN_CGROUP.toString(), "1g", "2");
    /** The image's flags that size the heap and pick the collector (the Jib jvmFlags of this module's pom). */
    private static final List<String> IMAGE_FLAGS =
            Arrays.asList(System.getProperty("bms.image.jvmFlags", "").trim().split("\\s+"));

    @BeforeAll
    static void needsControlGroups() throws IOException, InterruptedException {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "control groups are Linux's");
        // the launcher itself, on a command that does nothing: it fails where it cannot make a group (not root, a
        // read-only hierarchy, cgroup v2 without the memory and cpu controllers for children)
        Process probe = new ProcessBuilder(IN_CGROUP.toString(), "64m", "1", "true")
                .redirectErrorStream(true)
                .start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(probe.waitFor() == 0, () -> "no control group can be made here: " + output.strip());
    }

    @Test
    void shouldRunG1WithTheHeapTakenFromTheContainerLimit() throws IOException {
        assertThat(IMAGE_FLAGS).contains("-XX:+AlwaysActAsServerClassMachine", "-XX:MaxRAMPercentage=75");
        try (BmsProcess bms = BmsProcess.start(CONTAINER, IMAGE_FLAGS, Map.of())) {
            String metrics = bms.api().getAnonymous("/metrics").body();
            assertThat(metrics).contains("id=\"G1 Eden Space\"").doesNotContain("id=\"Tenured Gen\"");
            assertThat(heapMax(metrics)).isEqualTo(768L << 20); // 75 % of the 1 GiB limit
        }
    }

    @Test
    void wouldRunSerialGcInTheSameContainerWithoutTheImagesHint() throws IOException {
        List<String> withoutHint = new ArrayList<>(IMAGE_FLAGS);
        withoutHint.remove("-XX:+AlwaysActAsServerClassMachine");
        try (BmsProcess bms = BmsProcess.start(CONTAINER, withoutHint, Map.of())) {
            assertThat(bms.api().getAnonymous("/metrics").body())
                    .contains("id=\"Tenured Gen\"")
                    .doesNotContain("id=\"G1 Eden Space\"");
        }
    }

    @Test
    void shouldRunTheCollectorThatJavaToolOptionsNames() throws IOException {
        // as the chart passes bms.javaOpts
        try (BmsProcess bms =
                BmsProcess.start(CONTAINER, IMAGE_FLAGS, Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"))) {
            assertThat(bms.api().getAnonymous("/metrics").body())
                    .contains("id=\"PS Eden Space\"")
                    .doesNotContain("id=\"G1 Eden Space\"");
        }
    }

    /** The heap's maximum, the sum of {@code jvm_memory_max_bytes} over the heap's pools that have one. */
    private static long heapMax(String metrics) {
        long sum = 0;
        for (String line : metrics.lines().toList()) {
            if (line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\"")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum += value > 0 ? (long) value : 0;
            }
        }
        return sum;
    }
}
