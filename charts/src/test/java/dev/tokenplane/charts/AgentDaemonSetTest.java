package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The load agent's DaemonSet. */
class AgentDaemonSetTest {

    private static final String DS = "tp-tokenplane-agent";

    private static RenderedChart defaults;
    private static RenderedChart custom;

    @BeforeAll
    static void render() {
        defaults = RenderedChart.renderDefaults();
        custom = RenderedChart.render(t -> t.set("agent.region", "eu-west")
                .set("agent.pool", "checkout")
                .set("agent.scrapeUrl", "http://127.0.0.1:8081/metrics")
                .set("agent.intervalMs", 5000)
                .set("agent.port", 9571)
                .set("agent.listen", "hostIP")
                .set("agent.hostPaths.enabled", false)
                .set("agent.image.tag", "2.0.0")
                .set("bms.service.port", 80));
    }

    @Test
    void shouldNameTheServerAfterTheNode() {
        assertThat(agent(defaults).env().get("AGENT_SERVER_ID").string("valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("spec.nodeName");
    }

    @Test
    void shouldReportToTheBmsService() {
        Yamls.Node service = defaults.get("Service", "tp-tokenplane-bms");
        String expected = "http://" + service.string("metadata", "name") + "." + RenderedChart.NAMESPACE
                + ".svc.cluster.local:" + service.named("http", "spec", "ports").integer("port");

        assertThat(agent(defaults).env().get("AGENT_BMS_URLS").string("value")).isEqualTo(expected);
        assertThat(agent(custom).env().get("AGENT_BMS_URLS").string("value")).endsWith(".svc.cluster.local:80");
    }

    @Test
    void shouldSetOnlyVariablesTheAgentReads() {
        assertThat(agent(defaults).env().keySet())
                .isSubsetOf(ConfigurationNames.AGENT_ENV)
                .doesNotContain("AGENT_REGION", "AGENT_POOL", "AGENT_SCRAPE_URL");
        // with region, pool and a scrape URL, the chart sets all of its agent variables, each one the agent reads
        assertThat(agent(custom).env().keySet())
                .containsExactlyInAnyOrderElementsOf(ConfigurationNames.AGENT_CHART_ENV)
                .isSubsetOf(ConfigurationNames.AGENT_ENV);
        Map<String, Yamls.Node> env = agent(custom).env();
        assertThat(env.get("AGENT_INTERVAL_MS").string("value")).isEqualTo("5000");
        assertThat(env.get("AGENT_REGION").string("value")).isEqualTo("eu-west");
        assertThat(env.get("AGENT_HOST").string("valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.hostIP");
    }

    @Test
    void shouldReadTheNodesProcAndSysReadOnly() {
        Yamls.Node pod = defaults.get("DaemonSet", DS).path("spec", "template", "spec");
        Yamls.Node container = agent(defaults);

        assertThat(pod.named("host-proc", "volumes").string("hostPath", "path")).isEqualTo("/proc");
        assertThat(pod.named("host-sys", "volumes").string("hostPath", "path")).isEqualTo("/sys");
        for (String volume : List.of("host-proc", "host-sys")) {
            assertThat(container.named(volume, "volumeMounts").path("readOnly").value())
                    .isEqualTo(true);
        }
        assertThat(container.named("host-proc", "volumeMounts").string("mountPath"))
                .isEqualTo("/host/proc");
        assertThat(container.named("host-sys", "volumeMounts").string("mountPath"))
                .isEqualTo("/host/sys");
        assertThat(container.path("command").value())
                .isEqualTo(List.of(
                        "java",
                        "-XX:+UseSerialGC",
                        "-XX:MaxRAMPercentage=75",
                        "-Doshi.util.proc.path=/host/proc",
                        "-Doshi.util.sys.path=/host/sys",
                        "-cp",
                        "@/app/jib-classpath-file",
                        "dev.tokenplane.agent.AgentMain"));
    }

    @Test
    void shouldKeepTheImageEntrypointWithoutHostPaths() {
        Yamls.Node pod = custom.get("DaemonSet", DS).path("spec", "template", "spec");

        assertThat(agent(custom).has("command")).isFalse();
        assertThat(pod.list("volumes")).extracting(v -> v.string("name")).containsExactly("tmp");
    }

    @Test
    void shouldShareTheNodesNetworkAndStillResolveClusterNames() {
        Yamls.Node pod = defaults.get("DaemonSet", DS).path("spec", "template", "spec");

        assertThat(pod.path("hostNetwork").value()).isEqualTo(true);
        assertThat(pod.string("dnsPolicy")).isEqualTo("ClusterFirstWithHostNet");
    }

    @Test
    void shouldProbeHealthWhereTheAgentListens() {
        Yamls.Node loopback = agent(defaults);
        Yamls.Node hostIp = agent(custom);

        assertThat(loopback.env().get("AGENT_HOST").string("value")).isEqualTo("127.0.0.1");
        assertThat(loopback.string("readinessProbe", "httpGet", "host")).isEqualTo("127.0.0.1");
        assertThat(loopback.string("livenessProbe", "httpGet", "path")).isEqualTo("/health");
        assertThat(loopback.named("http", "ports").integer("containerPort")).isEqualTo(9470);
        assertThat(hostIp.has("readinessProbe", "httpGet", "host")).isFalse();
        assertThat(hostIp.named("http", "ports").integer("containerPort")).isEqualTo(9571);
    }

    @Test
    void shouldTakeTheImageFromValues() {
        assertThat(agent(defaults).string("image")).isEqualTo("tokenplane/load-agent:" + RenderedChart.appVersion());
        assertThat(agent(custom).string("image")).isEqualTo("tokenplane/load-agent:2.0.0");
        assertThat(agent(defaults).string("imagePullPolicy"))
                .isEqualTo(RenderedChart.appVersion().endsWith("-SNAPSHOT") ? "Always" : "IfNotPresent");
        assertThat(agent(custom).string("imagePullPolicy")).isEqualTo("IfNotPresent");
    }

    @Test
    void shouldLeaveTheAgentOutWhenDisabled() {
        RenderedChart chart = RenderedChart.render(t -> t.set("agent.enabled", false));

        assertThat(chart.kinds()).doesNotContain("DaemonSet");
    }

    private static Yamls.Node agent(RenderedChart chart) {
        return chart.get("DaemonSet", DS).named("agent", "spec", "template", "spec", "containers");
    }
}
