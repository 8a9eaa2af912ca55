package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The image tarballs that {@code jib:buildTar} writes under {@code -Pimage} (see the README), checked against the
 * chart: names and tags, entrypoint, ports, and that the application's classes and jars are in the layers.
 *
 * <p>Run: {@code mvn -B -ntp -Pimage -Dimage.base=scratch -pl bucket-management-service,load-agent,charts -am verify}.
 * With {@code scratch} the images hold no JVM; the layers and entrypoint checked here are the same on any base.
 */
@EnabledIfSystemProperty(
        named = "tokenplane.image.tests",
        matches = "true",
        disabledReason = "image tarballs are built only with -Pimage")
class ImageTarballTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void shouldBuildTheBmsImageWithTheHazelcastFlagsAndTheBmsClasses() throws IOException {
        ContainerImage image = image("bucket-management-service");
        Map<String, Object> values = chartValues();
        List<String> entrypoint = image.entrypoint();

        assertThat(image.repoTags())
                .containsExactly(Yamls.at(values, "bms", "image", "repository") + ":" + RenderedChart.appVersion());
        assertThat(entrypoint.get(0)).isEqualTo("java");
        assertThat(entrypoint)
                .containsAll(hazelcastFlags())
                // G1 in any container (the JVM alone picks SerialGC under 1,792 MB), the heap from the limit
                .contains("-XX:+AlwaysActAsServerClassMachine", "-XX:MaxRAMPercentage=75")
                .endsWith("-cp", "@/app/jib-classpath-file", "dev.tokenplane.bms.BmsMain");
        assertThat(image.jibFiles()).containsEntry("app/jib-main-class-file", "dev.tokenplane.bms.BmsMain");
        assertThat(image.exposedPorts())
                .containsExactlyInAnyOrder(
                        port(Yamls.at(values, "bms", "httpPort")), port(Yamls.at(values, "bms", "hazelcastPort")));
        assertThat(image.env()).containsEntry("BMS_HOST", "0.0.0.0");
        assertThat(image.env().keySet()).filteredOn(n -> n.startsWith("BMS_")).isSubsetOf(ConfigurationNames.BMS_ENV);
        assertThat(image.files()).contains("app/libs/hazelcast-5.6.0.jar");
        assertApplicationIsInTheImage(image, "bucket-management-service", "dev/tokenplane/bms/BmsMain");
    }

    @Test
    void shouldBuildTheAgentImageWithTheEntrypointTheChartRepeats() throws IOException {
        ContainerImage image = image("load-agent");
        Map<String, Object> values = chartValues();
        // the chart replaces the entrypoint to add the OSHI host paths; everything else must be the image's own
        List<String> chartCommand = RenderedChart.renderDefaults()
                .get("DaemonSet", "tp-tokenplane-agent")
                .named("agent", "spec", "template", "spec", "containers")
                .list("command")
                .stream()
                .map(n -> String.valueOf(n.value()))
                .filter(arg -> !arg.startsWith("-Doshi.util."))
                .collect(Collectors.toList());

        assertThat(image.repoTags())
                .containsExactly(Yamls.at(values, "agent", "image", "repository") + ":" + RenderedChart.appVersion());
        assertThat(image.entrypoint()).isEqualTo(chartCommand);
        assertThat(image.jibFiles()).containsEntry("app/jib-main-class-file", "dev.tokenplane.agent.AgentMain");
        assertThat(image.exposedPorts()).containsExactly(port(Yamls.at(values, "agent", "port")));
        assertApplicationIsInTheImage(image, "load-agent", "dev/tokenplane/agent/AgentMain");
    }

    /**
     * Every jar on the image's classpath is in a layer, every file the module compiled is under /app/classes or
     * /app/resources, and once the module has its main class, that class is there too.
     */
    private static void assertApplicationIsInTheImage(ContainerImage image, String module, String mainClass)
            throws IOException {
        List<String> classpath =
                Arrays.asList(image.jibFiles().get("app/jib-classpath-file").split(":"));
        assertThat(classpath).startsWith("/app/resources", "/app/classes");
        assertThat(classpath.stream().filter(e -> e.endsWith(".jar")).map(e -> e.substring(1)))
                .allSatisfy(jar -> assertThat(image.files()).contains(jar));

        Path classes = ROOT.resolve(module).resolve("target/classes");
        try (Stream<Path> compiled = Files.walk(classes)) {
            compiled.filter(Files::isRegularFile)
                    .map(f -> classes.relativize(f).toString())
                    .forEach(f -> assertThat(image.files())
                            .contains((f.endsWith(".class") ? "app/classes/" : "app/resources/") + f));
        }
        if (Files.exists(ROOT.resolve(module).resolve("src/main/java").resolve(mainClass + ".java"))) {
            assertThat(image.files()).contains("app/classes/" + mainClass + ".class");
        }
    }

    private static ContainerImage image(String module) throws IOException {
        Path tarball = ROOT.resolve(module).resolve("target/jib-image.tar");
        assertThat(tarball)
                .as("build it in the same reactor: mvn -B -ntp -Pimage -Dimage.base=scratch "
                        + "-pl bucket-management-service,load-agent,charts -am verify")
                .exists();
        return ContainerImage.read(tarball);
    }

    /** The parent pom's Hazelcast flags ("--add-opens x" written "--add-opens=x", as Jib needs one word each). */
    private static List<String> hazelcastFlags() {
        String flags = System.getProperty("hazelcast.jvm.flags");
        assertThat(flags).as("surefire passes the parent's hazelcast.jvm.flags").isNotBlank();
        return Arrays.stream(flags.trim().split("\\s+(?=--)"))
                .map(flag -> flag.replaceFirst("\\s+", "="))
                .collect(Collectors.toList());
    }

    private static Map<String, Object> chartValues() throws IOException {
        return Yamls.parse(Files.readString(RenderedChart.CHART.resolve("values.yaml")));
    }

    private static String port(Object number) {
        return number + "/tcp";
    }
}
