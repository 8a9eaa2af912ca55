package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The values that extend both workloads the same way (the BMS StatefulSet and the agent DaemonSet): extra variables,
 * env sources, volumes and mounts, JVM options, logging, pod metadata and scheduling.
 */
class ExtensionPointsTest {

    private static final Map<String, String> WORKLOADS =
            Map.of("bms", "StatefulSet/tp-tokenplane-bms", "agent", "DaemonSet/tp-tokenplane-agent");

    private static RenderedChart defaults;
    private static RenderedChart extended;

    @BeforeAll
    static void render() {
        defaults = RenderedChart.renderDefaults();
        extended = RenderedChart.render(t -> {
            for (String c : WORKLOADS.keySet()) {
                t.set(c + ".extraEnv[0].name", "EXTRA_ONE")
                        .set(c + ".extraEnv[0].value", "one")
                        .set(c + ".extraEnv[1].name", "EXTRA_SECRET")
                        .set(c + ".extraEnv[1].valueFrom.secretKeyRef.name", "extra")
                        .set(c + ".extraEnv[1].valueFrom.secretKeyRef.key", "password")
                        .set(c + ".envFrom[0].configMapRef.name", c + "-settings")
                        .set(c + ".extraVolumes[0].name", "certs")
                        .set(c + ".extraVolumes[0].secret.secretName", c + "-certs")
                        .set(c + ".extraVolumeMounts[0].name", "certs")
                        .set(c + ".extraVolumeMounts[0].mountPath", "/etc/certs")
                        .set(c + ".extraVolumeMounts[0].readOnly", true)
                        .set(c + ".javaOpts", "-Xlog:gc:stderr -XX:+HeapDumpOnOutOfMemoryError")
                        .set(c + ".podAnnotations.example\\.com/team", "rate")
                        .set(c + ".podLabels.team", "rate")
                        .set(c + ".priorityClassName", "system-cluster-critical")
                        .set(c + ".nodeSelector.pool", c)
                        .set(c + ".tolerations[0].key", "dedicated")
                        .set(c + ".tolerations[0].operator", "Exists")
                        .set(
                                c + ".affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                                        + ".nodeSelectorTerms[0].matchExpressions[0].key",
                                "kubernetes.io/arch")
                        .set(
                                c + ".affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                                        + ".nodeSelectorTerms[0].matchExpressions[0].operator",
                                "Exists");
            }
            return t.set("agent.logLevel", "debug")
                    .set("agent.logFormat", "json")
                    .set("bms.topologySpreadConstraints[0].maxSkew", 1)
                    .set("bms.topologySpreadConstraints[0].topologyKey", "topology.kubernetes.io/zone")
                    .set("bms.topologySpreadConstraints[0].whenUnsatisfiable", "ScheduleAnyway");
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"bms", "agent"})
    void shouldAddExtraVariablesAfterTheChartsOwnAndEnvSources(String component) {
        List<String> names =
                new ArrayList<>(container(extended, component).env().keySet());
        Yamls.Node secret = container(extended, component).env().get("EXTRA_SECRET");

        assertThat(names.subList(names.size() - 2, names.size())).containsExactly("EXTRA_ONE", "EXTRA_SECRET");
        assertThat(container(extended, component).env().get("EXTRA_ONE").string("value"))
                .isEqualTo("one");
        assertThat(secret.string("valueFrom", "secretKeyRef", "key")).isEqualTo("password");
        assertThat(container(extended, component).list("envFrom").get(0).string("configMapRef", "name"))
                .isEqualTo(component + "-settings");
        assertThat(container(defaults, component).has("envFrom")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bms", "agent"})
    void shouldMountExtraVolumesBesideTheChartsOwn(String component) {
        Yamls.Node pod = pod(extended, component);
        Yamls.Node mount = container(extended, component).named("certs", "volumeMounts");

        assertThat(pod.named("certs", "volumes").string("secret", "secretName")).isEqualTo(component + "-certs");
        assertThat(mount.string("mountPath")).isEqualTo("/etc/certs");
        assertThat(mount.path("readOnly").value()).isEqualTo(true);
        assertThat(pod.list("volumes"))
                .extracting(v -> v.string("name"))
                .containsAll(names(pod(defaults, component).list("volumes")));
        assertThat(names(pod(defaults, component).list("volumes"))).doesNotContain("certs");
    }

    /** The JVM reads JAVA_TOOL_OPTIONS itself, so the image's own flags (Jib's jvmFlags, the agent's command) stay. */
    @ParameterizedTest
    @ValueSource(strings = {"bms", "agent"})
    void shouldPassJvmOptionsThroughJavaToolOptions(String component) {
        assertThat(container(extended, component).env().get("JAVA_TOOL_OPTIONS").string("value"))
                .isEqualTo("-Xlog:gc:stderr -XX:+HeapDumpOnOutOfMemoryError");
        assertThat(container(defaults, component).env()).doesNotContainKey("JAVA_TOOL_OPTIONS");
        assertThat(container(extended, component).has("command"))
                .isEqualTo(container(defaults, component).has("command"));
    }

    /** The agent's; the BMS's (bms.logLevel, bms.logFormat) belong to its logging settings. */
    @Test
    void shouldSetTheAgentsLogLevelAndFormatOnlyWhenGiven() {
        Map<String, Yamls.Node> env = container(extended, "agent").env();

        assertThat(env.get("AGENT_LOG_LEVEL").string("value")).isEqualTo("debug");
        assertThat(env.get("AGENT_LOG_FORMAT").string("value")).isEqualTo("json");
        assertThat(container(defaults, "agent").env()).doesNotContainKeys("AGENT_LOG_LEVEL", "AGENT_LOG_FORMAT");
        assertThat(env.keySet())
                .filteredOn(n -> n.startsWith("AGENT_"))
                .allMatch(
                        n -> ConfigurationNames.AGENT_ENV.contains(n) || ConfigurationNames.PENDING_ENV.contains(n),
                        "read by the agent (or pending: " + ConfigurationNames.PENDING_ENV + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bms", "agent"})
    void shouldAddPodAnnotationsAndLabelsWithoutTouchingTheSelector(String component) {
        Yamls.Node workload = workload(extended, component);

        assertThat(workload.map("spec", "template", "metadata", "labels")).containsEntry("team", "rate");
        assertThat(workload.map("spec", "template", "metadata", "annotations"))
                .containsEntry("example.com/team", "rate")
                .containsKey("checksum/auth");
        assertThat(workload.map("spec", "selector", "matchLabels"))
                .isEqualTo(workload(defaults, component).map("spec", "selector", "matchLabels"))
                .doesNotContainKey("team");
    }

    @ParameterizedTest
    @ValueSource(strings = {"bms", "agent"})
    void shouldScheduleWithTheComponentsOwnConstraints(String component) {
        Yamls.Node pod = pod(extended, component);

        assertThat(pod.string("priorityClassName")).isEqualTo("system-cluster-critical");
        assertThat(pod.map("nodeSelector")).isEqualTo(Map.of("pool", component));
        assertThat(pod.list("tolerations").get(0).string("key")).isEqualTo("dedicated");
        assertThat(pod.list(
                                "affinity",
                                "nodeAffinity",
                                "requiredDuringSchedulingIgnoredDuringExecution",
                                "nodeSelectorTerms")
                        .get(0)
                        .list("matchExpressions")
                        .get(0)
                        .string("key"))
                .isEqualTo("kubernetes.io/arch");
        for (String key : List.of("priorityClassName", "nodeSelector", "tolerations")) {
            assertThat(pod(defaults, component).has(key)).as(key).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"bms"})
    void shouldSpreadMembersWithTopologySpreadConstraints(String component) {
        Yamls.Node constraint =
                pod(extended, component).list("topologySpreadConstraints").get(0);

        assertThat(constraint.string("topologyKey")).isEqualTo("topology.kubernetes.io/zone");
        assertThat(constraint.integer("maxSkew")).isEqualTo(1);
        // the anti-affinity of podAntiAffinity gives way to an explicit affinity
        assertThat(pod(extended, component).has("affinity", "podAntiAffinity")).isFalse();
        assertThat(pod(defaults, component).has("topologySpreadConstraints")).isFalse();
    }

    private static List<String> names(List<Yamls.Node> nodes) {
        return nodes.stream().map(n -> n.string("name")).toList();
    }

    private static Yamls.Node workload(RenderedChart chart, String component) {
        String[] kindAndName = WORKLOADS.get(component).split("/");
        return chart.get(kindAndName[0], kindAndName[1]);
    }

    private static Yamls.Node pod(RenderedChart chart, String component) {
        return workload(chart, component).path("spec", "template", "spec");
    }

    private static Yamls.Node container(RenderedChart chart, String component) {
        return pod(chart, component).named(component, "containers");
    }
}
