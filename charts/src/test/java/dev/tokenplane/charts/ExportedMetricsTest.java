package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.AgentMetrics;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every series the chart's alerts and dashboard select is one the services really export: the names are read from
 * the /metrics of a real BMS member (a rule with a transfer pool, a decision and an agent report behind it, so that
 * every family has samples) and from the agent's own registry ({@link AgentMetrics}, which its /metrics serves).
 */
class ExportedMetricsTest {

    @TempDir
    static Path work;

    private static BmsProcess bms;
    private static Set<String> exported;

    @BeforeAll
    static void scrapeTheServices() throws Exception {
        bms = BmsProcess.start(work.resolve("bms"), Map.of());
        bms.admin("PUT", "/v1/rules/pooled", """
                {"match": "pooled:*", "capacity": 10, "refillPerSecond": 1, "transfer": {"pool": "p1"}}""");
        bms.admin("POST", "/v1/buckets/pooled:a/acquire", "{\"tokens\": 1}");
        bms.admin("POST", "/v1/agents/node-1/reports", """
                {"timestamp": %d, "region": "default", "pool": "default", "cpu": 0.5, "memory": 0.5,
                 "loadPerCore": 0.5, "netRxBytesPerSec": 0, "netTxBytesPerSec": 0, "diskReadBytesPerSec": 0,
                 "diskWriteBytesPerSec": 0, "requestsPerSecond": 1, "latencyP50Ms": 1, "latencyP99Ms": 2}""".formatted(System.currentTimeMillis()));
        exported = new HashSet<>(sampleNames(bms.admin("GET", "/metrics", null)));

        AgentMetrics agent = new AgentMetrics();
        agent.trackReporter(() -> 0, () -> 0);
        exported.addAll(sampleNames(agent.scrape()));
        agent.close();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (bms != null) {
            bms.close();
        }
    }

    @Test
    void shouldAlertOnlyOnSeriesTheServicesExport() {
        RenderedChart chart = RenderedChart.render(t -> t.set("serviceMonitor.enabled", true));

        assertThat(MonitoringQueries.seriesNames(MonitoringQueries.alerts(chart).values()))
                .allMatch(
                        this::known,
                        "exported by the BMS or the agent, made by Prometheus, or pending "
                                + ConfigurationNames.PENDING_METRICS);
    }

    @Test
    void shouldChartOnlySeriesTheServicesExport() {
        assertThat(MonitoringQueries.seriesNames(MonitoringQueries.dashboardExpressions()))
                .allMatch(
                        this::known,
                        "exported by the BMS or the agent, made by Prometheus, or pending "
                                + ConfigurationNames.PENDING_METRICS);
    }

    @Test
    void shouldSeeTheContractsFamiliesInTheLiveOutput() {
        // the scrape itself is complete enough for the checks above to mean something
        assertThat(exported)
                .contains(
                        "bms_decisions_total",
                        "bms_decision_latency_seconds_bucket",
                        "bms_buckets",
                        "bms_breaker_state",
                        "bms_transfers_total",
                        "bms_agents",
                        "bms_agent_report_age_max_seconds",
                        "agent_samples_total",
                        "agent_buffer_size",
                        "agent_backoff_seconds");
        assertThat(exported).doesNotContain("bms_not_a_metric");
    }

    private boolean known(String series) {
        return exported.contains(series)
                || ConfigurationNames.PROMETHEUS_SERIES.contains(series)
                || ConfigurationNames.PENDING_METRICS.contains(series);
    }

    /** The sample names of a Prometheus text exposition (a histogram's _bucket, _sum and _count each). */
    private static Set<String> sampleNames(String exposition) {
        return Arrays.stream(exposition.split("\n"))
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }
}
