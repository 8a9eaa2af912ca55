package dev.tokenplane.charts;

import dev.tokenplane.bms.BmsSettings;

import java.util.Set;

/**
 * The configuration and metric names the chart and the dashboard must use: the one place the tests take them from.
 *
 * <p>The BMS's variables come from {@link BmsSettings#VARIABLES} itself. The agent's are listed here (the agent
 * module cannot be on this module's test class path: its JNA clashes with helm-java's); the agent's own tests check
 * its settings, and {@code ImageRunTest} runs the agent image with them.
 */
final class ConfigurationNames {

    /** Every environment variable the BMS reads: its own list, so that the chart cannot drift from it. */
    static final Set<String> BMS_ENV = Set.copyOf(BmsSettings.ENVIRONMENT_VARIABLES);

    /** Every environment variable the load agent reads. */
    static final Set<String> AGENT_ENV = Set.of(
            "AGENT_SERVER_ID", "AGENT_BMS_URLS", "AGENT_INTERVAL_MS", "AGENT_REGION", "AGENT_POOL",
            "AGENT_PORT", "AGENT_HOST", "AGENT_BMS_TOKEN", "AGENT_SCRAPE_URL");

    /** Prometheus metric families the BMS exports (a histogram adds _bucket, _sum and _count). */
    static final Set<String> BMS_METRICS = Set.of(
            "bms_decisions_total", "bms_decision_latency_seconds", "bms_buckets", "bms_resizes_total",
            "bms_transfers_total", "bms_transfer_tokens_total", "bms_breaker_state", "bms_agents",
            "bms_agent_report_age_seconds");

    /** Prometheus metric families the load agent exports. */
    static final Set<String> AGENT_METRICS = Set.of(
            "agent_samples_total", "agent_reports_sent_total", "agent_reports_failed_total",
            "agent_reports_dropped_total", "agent_backoff_seconds", "agent_buffer_size");

    private ConfigurationNames() {
    }
}
