package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The optional ServiceMonitor and the Grafana dashboard over the metric names of the shared contract. */
class MonitoringTest {

    private static final Path DASHBOARD = MonitoringQueries.DASHBOARD;
    private static final Pattern METRIC = Pattern.compile("\\b(?:bms|agent)_[a-z_]+\\b");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)\\}");
    private static final Pattern SERIES_USE = Pattern.compile("\\b(?:bms|agent)_[a-z_]+\\b|\\bup\\{|\\bALERTS\\{");
    private static final Pattern OUTCOMES = Pattern.compile("outcome=~?\"([^\"]+)\"");

    private static JsonNode dashboard;
    private static List<String> expressions;

    @BeforeAll
    static void readDashboard() {
        dashboard = MonitoringQueries.dashboard();
        expressions = MonitoringQueries.dashboardExpressions();
    }

    @Test
    void shouldScrapeOnlyTheHttpServiceWhenTheServiceMonitorIsOn() {
        assertThat(RenderedChart.renderDefaults().kinds()).doesNotContain("ServiceMonitor");

        RenderedChart chart = RenderedChart.render(
                t -> t.set("serviceMonitor.enabled", true).set("serviceMonitor.labels.release", "kube-prometheus"));
        Yamls.Node monitor = chart.get("ServiceMonitor", "tp-tokenplane-bms");
        Yamls.Node endpoint = monitor.list("spec", "endpoints").get(0);

        assertThat(monitor.string("metadata", "labels", "release")).isEqualTo("kube-prometheus");
        assertThat(endpoint.string("port")).isEqualTo("http");
        assertThat(endpoint.string("path")).isEqualTo("/metrics");
        assertThat(chart.get("Service", "tp-tokenplane-bms").map("metadata", "labels"))
                .containsAllEntriesOf(monitor.map("spec", "selector", "matchLabels"));
        assertThat(chart.get("Service", "tp-tokenplane-bms-headless").map("metadata", "labels"))
                .doesNotContainKey("tokenplane.dev/service");
    }

    @Test
    void shouldShipTheDashboardFileInAConfigMapForGrafanasSidecar() throws IOException {
        RenderedChart chart = RenderedChart.render(t -> t.set("dashboards.namespace", "monitoring"));
        Yamls.Node configMap = chart.get("ConfigMap", "tp-tokenplane-dashboard");

        assertThat(configMap.string("metadata", "labels", "grafana_dashboard")).isEqualTo("1");
        assertThat(configMap.string("metadata", "namespace")).isEqualTo("monitoring");
        assertThat(configMap.string("data", "tokenplane-overview.json"))
                .isEqualTo(Files.readString(DASHBOARD).strip());
        assertThat(RenderedChart.render(t -> t.set("dashboards.enabled", false))
                        .has("ConfigMap", "tp-tokenplane-dashboard"))
                .isFalse();
    }

    @Test
    void shouldQueryOnlyMetricsOfTheContract() {
        Set<String> used = usedMetricFamilies();
        Set<String> known = new TreeSet<>(ConfigurationNames.BMS_METRICS);
        known.addAll(ConfigurationNames.AGENT_METRICS);
        known.addAll(ConfigurationNames.PENDING_METRICS);

        assertThat(used).isSubsetOf(known);
        assertThat(used).containsAll(ConfigurationNames.BMS_METRICS);
    }

    @Test
    void shouldShowDecisionsByOutcomeAndLatencyPercentilesFromTheHistogram() {
        assertThat(expressions).anyMatch(e -> e.contains("sum by (outcome) (rate(bms_decisions_total"));
        assertThat(expressions)
                .anyMatch(e ->
                        e.startsWith("histogram_quantile(0.50, sum by (le) (rate(bms_decision_latency_seconds_bucket"));
        assertThat(expressions)
                .anyMatch(e ->
                        e.startsWith("histogram_quantile(0.99, sum by (le) (rate(bms_decision_latency_seconds_bucket"));
        Set<String> outcomes = new TreeSet<>();
        for (String expression : expressions) {
            Matcher m = OUTCOMES.matcher(expression);
            while (m.find()) {
                outcomes.addAll(List.of(m.group(1).split("\\|")));
            }
        }
        assertThat(outcomes)
                .isNotEmpty()
                .isSubsetOf(
                        "granted", "denied", "shadow_denied", "rejected", "ok", "partial", "failed", "breaker_open");
    }

    @Test
    void shouldShowTransfersBreakerStateAndAgentStaleness() {
        assertThat(expressions).anyMatch(e -> e.contains("sum by (outcome) (rate(bms_transfers_total"));
        assertThat(expressions)
                .anyMatch(e -> e.contains("bms_breaker_state")
                        && e.contains("state=\"open\"")
                        && e.contains("state=\"half_open\""));
        assertThat(expressions).anyMatch(e -> e.contains("max by (state) (bms_agents"));
        assertThat(expressions).anyMatch(e -> e.contains("bms_agent_report_age_max_seconds"));
    }

    @Test
    void shouldScopeEveryServiceQueryToTheNamespaceVariable() {
        List<String> variables = new ArrayList<>();
        dashboard
                .get("templating")
                .get("list")
                .forEach(v -> variables.add(v.get("name").asText()));

        assertThat(variables).containsExactly("datasource", "namespace", "job");
        assertThat(dashboard
                        .get("templating")
                        .get("list")
                        .get(2)
                        .get("definition")
                        .asText())
                .contains("namespace=~\"$namespace\"");
        // every series selected has a label matcher, and each one names the namespace variable
        for (String e : expressions) {
            List<String> selectors =
                    SELECTOR.matcher(e).results().map(m -> m.group(1)).toList();
            assertThat(selectors)
                    .as(e)
                    .hasSize((int) SERIES_USE.matcher(e).results().count())
                    .allMatch(labels -> labels.contains("namespace=~\"$namespace\""));
        }
    }

    @Test
    void shouldLayOutPanelsWithoutOverlapOnGrafanasGrid() {
        List<int[]> boxes = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            JsonNode g = p.get("gridPos");
            boxes.add(new int[] {
                g.get("x").asInt(),
                g.get("y").asInt(),
                g.get("w").asInt(),
                g.get("h").asInt()
            });
        });

        for (int i = 0; i < boxes.size(); i++) {
            int[] a = boxes.get(i);
            assertThat(a[0] + a[2]).as("panel %d within 24 columns", i).isLessThanOrEqualTo(24);
            for (int j = i + 1; j < boxes.size(); j++) {
                int[] b = boxes.get(j);
                boolean overlap = a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
                assertThat(overlap).as("panels %d and %d overlap", i, j).isFalse();
            }
        }
    }

    @Test
    void shouldReadFromTheDashboardsDataSourceVariable() {
        List<String> sources = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            if (!"row".equals(p.get("type").asText())) {
                sources.add(p.get("datasource").get("uid").asText());
            }
        });

        assertThat(sources).isNotEmpty().allMatch("${datasource}"::equals);
        assertThat(dashboard.get("uid").asText()).isEqualTo("tokenplane-overview");
    }

    private static Set<String> usedMetricFamilies() {
        return expressions.stream()
                .flatMap(e -> METRIC.matcher(e).results().map(MatchResult::group))
                .map(name -> name.replaceFirst("_(bucket|sum|count)$", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
