package dev.tokenplane.charts;

import java.util.Set;

/**
 * The configuration and metric names the chart and the dashboard must use: the one place the tests take them from.
 *
 * <p>Source: the shared contract ({@code TEAM.md} "Names shared across modules" and {@code http-api.md}
 * "Configuration"). When the BMS and the agent have their own configuration classes, point these sets at them
 * (for example the names of an enum of variables) so that the chart cannot drift from what the services read.
 */
final class ConfigurationNames {

    /** Every environment variable the BMS reads. */
    static final Set<String> BMS_ENV = Set.of(
            "BMS_PORT", "BMS_HOST", "BMS_DATA_DIR", "BMS_ADMIN_TOKEN", "BMS_CLUSTER_MEMBERS",
            "BMS_HAZELCAST_PORT", "BMS_SIZING_INTERVAL_MS", "BMS_RULES_FILE",
            "BMS_AGENT_TOKEN", "BMS_API_KEYS_FILE", "BMS_MAX_BODY_BYTES");

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
