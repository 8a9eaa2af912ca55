package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PrometheusRule (alerts) and the agents' PodMonitor, both behind serviceMonitor.enabled. */
class AlertsTest {

    private static final String SELECTOR = "namespace=\"" + RenderedChart.NAMESPACE + "\", job=\"tp-tokenplane-bms\"";

    private static RenderedChart monitored;

    @BeforeAll
    static void render() {
        monitored = RenderedChart.render(t -> t.set("serviceMonitor.enabled", true)
                .set("prometheusRule.labels.release", "kube-prometheus")
                .set("bms.replicas", 5));
    }

    @Test
    void shouldAlertOnlyWhereTheServiceMonitorScrapes() {
        assertThat(RenderedChart.renderDefaults().kinds()).doesNotContain("PrometheusRule", "PodMonitor");
        assertThat(monitored.kinds())
                .contains("ServiceMonitor", "PrometheusRule")
                .doesNotContain("PodMonitor");
        assertThat(RenderedChart.render(
                                t -> t.set("serviceMonitor.enabled", true).set("prometheusRule.enabled", false))
                        .kinds())
                .doesNotContain("PrometheusRule");
        assertThat(monitored.get("PrometheusRule", "tp-tokenplane-bms").string("metadata", "labels", "release"))
                .isEqualTo("kube-prometheus");
    }

    @Test
    void shouldAlertOnEveryFailureTheIssueNames() {
        Map<String, String> alerts = MonitoringQueries.alerts(monitored);

        assertThat(alerts)
                .containsOnlyKeys(
                        "TokenplaneMemberDown",
                        "TokenplaneClusterSmallerThanExpected",
                        "TokenplaneBreakerOpen",
                        "TokenplaneDenialRatioJump",
                        "TokenplaneAgentsStale",
                        "TokenplaneBucketBudgetNearFull");
        assertThat(alerts.get("TokenplaneMemberDown")).isEqualTo("up{" + SELECTOR + "} == 0");
        assertThat(alerts.get("TokenplaneClusterSmallerThanExpected"))
                .contains(
                        "(count(up{" + SELECTOR + "} == 1) or vector(0)) < 5",
                        "min(bms_cluster_members{" + SELECTOR + "}) < 5");
        assertThat(alerts.get("TokenplaneBreakerOpen")).contains("state=\"open\"}) == 1");
        assertThat(alerts.get("TokenplaneDenialRatioJump"))
                .contains("outcome=\"denied\"}[5m]", "[1h] offset 5m", "> 0.2");
        assertThat(alerts.get("TokenplaneAgentsStale")).contains("bms_agents{" + SELECTOR + ", state=\"stale\"}) > 0");
        assertThat(alerts.get("TokenplaneBucketBudgetNearFull"))
                .contains(
                        "bms_bucket_budget_used{" + SELECTOR + "} / bms_bucket_budget_limit{" + SELECTOR + "}) > 0.9");
        // every BMS series an alert reads is the release's own
        assertThat(alerts.values()).allMatch(e -> e.contains("{" + SELECTOR));
    }

    @Test
    void shouldKeepPrometheusTemplatesInAnnotationsForPrometheusToExpand() {
        Yamls.Node rule = monitored
                .get("PrometheusRule", "tp-tokenplane-bms")
                .list("spec", "groups")
                .get(0)
                .list("rules")
                .get(0);

        assertThat(rule.string("annotations", "summary")).contains("{{ $labels.pod }}");
        assertThat(rule.string("for")).isEqualTo("2m");
    }

    @Test
    void shouldScrapeTheAgentsWhereTheyListenOnTheNodesAddress() {
        RenderedChart chart = RenderedChart.render(t -> t.set("serviceMonitor.enabled", true)
                .set("serviceMonitor.labels.release", "kube-prometheus")
                .set("agent.podMonitor.enabled", true)
                .set("agent.listen", "hostIP"));
        Yamls.Node monitor = chart.get("PodMonitor", "tp-tokenplane-agent");
        Yamls.Node endpoint = monitor.list("spec", "podMetricsEndpoints").get(0);

        assertThat(monitor.map("spec", "selector", "matchLabels"))
                .isEqualTo(chart.get("DaemonSet", "tp-tokenplane-agent").map("spec", "selector", "matchLabels"));
        assertThat(endpoint.string("port")).isEqualTo("http");
        assertThat(endpoint.string("path")).isEqualTo("/metrics");
        assertThat(monitor.string("metadata", "labels", "release")).isEqualTo("kube-prometheus");
        assertThatThrownBy(() -> RenderedChart.render(t -> t.set("agent.podMonitor.enabled", true)))
                .hasMessageContaining("at '/agent/listen': 'not' failed");
    }
}
