package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart proven by running what it renders: the BMS StatefulSet's 3 members and the agent DaemonSet's pod as real
 * processes of the built jars, with exactly the rendered environment, command and mounted ConfigMaps and Secrets
 * ({@link LocalCluster} says what is translated to one host, {@link ChartRun} the one variable replaced). A chart
 * change that a service rejects (a setting, a rules file) stops a member, and this test with it.
 */
class ChartToProcessIT {

    private static final Path FULL_VALUES = Path.of("src", "test", "resources", "full-values.yaml");

    @Test
    void shouldRunADefaultInstall() throws IOException {
        try (ChartRun run = ChartRun.of(RenderedChart.renderDefaults(), "cluster.local", "defaults")) {
            // the default rule "servers" matches server/<serverId>; the key is one path segment
            checkRelease(run, rules(defaultValues()), "server%2F" + LocalCluster.NODE, Map.of());
        }
    }

    @Test
    void shouldRunAFullValuesFile() throws IOException {
        RenderedChart chart = RenderedChart.render(t -> t.withValuesFile(FULL_VALUES.toAbsolutePath()));
        Map<String, Object> full = Yamls.parse(Files.readString(FULL_VALUES));
        // Helm merges a values file into values.yaml map by map: the default rule stays beside the given ones
        Map<String, Object> rules = new LinkedHashMap<>(rules(defaultValues()));
        rules.putAll(rules(full));

        try (ChartRun run = ChartRun.of(chart, "k8s.example", "full")) {
            checkRelease(run, rules, "free:alice", Map.of("X-Api-Key", "key-for-web"));
            // the agent reports what the values say
            JsonNode agent = run.admin(run.members.get(2), "GET", "/v1/agents", null)
                    .json()
                    .path("agents")
                    .get(0);
            assertThat(agent.path("region").asText()).isEqualTo("eu-west");
            assertThat(agent.path("pool").asText()).isEqualTo("web");
        }
    }

    @Test
    void shouldFailWhenAMemberRejectsWhatTheChartRenders() throws IOException {
        // the schema lets it through (each field is in range); the BMS checks the rule as a whole and refuses it
        RenderedChart chart = RenderedChart.render(t -> t.set("bms.rules.servers.minCapacity", 2000));

        try (ChartRun run = ChartRun.of(chart, "cluster.local", "rejected")) {
            assertThatThrownBy(run::startMembers)
                    .hasMessageContaining("exited with 1")
                    .hasMessageContaining("minCapacity <= capacity <= maxCapacity must hold");
        }
    }

    private static void checkRelease(
            ChartRun run, Map<String, Object> rules, String decisionKey, Map<String, String> decisionHeaders)
            throws IOException {
        // every member ready, and one cluster of 3
        run.startMembers();
        for (LocalPod member : run.members) {
            ChartRun.until(member + " in a cluster of 3", Duration.ofSeconds(60), () -> run.clusterSize(member) == 3);
        }
        // the chart's rules served, field by field as the values give them, by every member
        for (LocalPod member : run.members) {
            rules.forEach((id, rule) -> {
                ChartRun.Answer served = run.admin(member, "GET", "/v1/rules/" + id, null);
                assertThat(served.status()).as("rule %s on %s", id, member).isEqualTo(200);
                assertSubset(rule, served.json(), id);
            });
        }
        // a decision granted
        ChartRun.Answer decision = run.call(
                run.members.get(1),
                "POST",
                "/v1/buckets/" + decisionKey + "/acquire",
                "{\"tokens\":1}",
                decisionHeaders);
        assertThat(decision.status()).isEqualTo(200);
        assertThat(decision.json().path("granted").asBoolean()).isTrue();
        // an agent's report, through the BMS Service, visible to every member
        run.startAgent();
        for (LocalPod member : run.members) {
            ChartRun.until("the agent's report on " + member, Duration.ofSeconds(30), () -> {
                JsonNode agents =
                        run.admin(member, "GET", "/v1/agents", null).json().path("agents");
                return agents.size() == 1
                        && agents.get(0).path("serverId").asText().equals(LocalCluster.NODE);
            });
        }
        // every probe of every pod answers where the kubelet would call it
        for (LocalPod pod : run.cluster.pods(ChartRun.STS)) {
            pod.probes()
                    .forEach(probe ->
                            assertThat(pod.probe(probe)).as(pod + " " + probe).isTrue());
        }
        run.agent()
                .probes()
                .forEach(probe -> assertThat(run.agent().probe(probe))
                        .as("agent " + probe)
                        .isTrue());
    }

    /** Every field the values give for a rule is served with that value (numbers compared as numbers). */
    @SuppressWarnings("unchecked")
    private static void assertSubset(Object expected, JsonNode served, String path) {
        if (expected instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertSubset(v, served.path(String.valueOf(k)), path + "." + k));
        } else if (expected instanceof Number n) {
            assertThat(served.isNumber()).as(path).isTrue();
            assertThat(served.asDouble()).as(path).isEqualTo(n.doubleValue());
        } else {
            assertThat(served.asText()).as(path).isEqualTo(String.valueOf(expected));
        }
    }

    static Map<String, Object> defaultValues() throws IOException {
        return Yamls.parse(Files.readString(RenderedChart.CHART.resolve("values.yaml")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rules(Map<String, Object> values) {
        return (Map<String, Object>) Yamls.at(values, "bms", "rules");
    }
}
