package dev.tokenplane.charts;

import dev.tokenplane.agent.AgentSetting;
import dev.tokenplane.bms.BmsSettings;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The configuration and metric names the chart and the dashboard must use: the one place the tests take them from.
 *
 * <p>The variables come from the services' own lists, {@link BmsSettings#VARIABLES} and {@link AgentSetting}, so
 * that the chart cannot drift from what the services read.
 */
final class ConfigurationNames {

    /** Every environment variable the BMS reads: its own list, so that the chart cannot drift from it. */
    static final Set<String> BMS_ENV = Set.copyOf(BmsSettings.ENVIRONMENT_VARIABLES);

    /** Every environment variable the load agent reads: its own list ({@link AgentSetting}). */
    static final Set<String> AGENT_ENV =
            Arrays.stream(AgentSetting.values()).map(AgentSetting::envName).collect(Collectors.toUnmodifiableSet());

    /**
     * Agent variables the chart sets when asked (agent.logFormat) that the agent does not read yet: the agent's
     * logging work (issue 12, operability) adds AGENT_LOG_FORMAT. Remove each name once AgentSetting lists it.
     */
    static final Set<String> PENDING_ENV = Set.of();

    /** The agent variables the chart sets when every agent value is given (the others keep the agent's defaults). */
    static final Set<String> AGENT_CHART_ENV = Set.of(
            "AGENT_SERVER_ID",
            "AGENT_BMS_URLS",
            "AGENT_INTERVAL_MS",
            "AGENT_REGION",
            "AGENT_POOL",
            "AGENT_PORT",
            "AGENT_HOST",
            "AGENT_BMS_TOKEN",
            "AGENT_SCRAPE_URL");

    /** Prometheus metric families the BMS exports (a histogram adds _bucket, _sum and _count). */
    static final Set<String> BMS_METRICS = Set.of(
            "bms_decisions_total",
            "bms_decision_latency_seconds",
            "bms_buckets",
            "bms_resizes_total",
            "bms_transfers_total",
            "bms_transfer_tokens_total",
            "bms_breaker_state",
            "bms_agents",
            "bms_agent_report_age_max_seconds",
            "bms_cluster_members",
            "bms_bucket_budget_limit",
            "bms_bucket_budget_used");

    /** Prometheus metric families the load agent exports. */
    static final Set<String> AGENT_METRICS = Set.of(
            "agent_samples_total",
            "agent_reports_sent_total",
            "agent_reports_failed_total",
            "agent_reports_dropped_total",
            "agent_backoff_seconds",
            "agent_buffer_size");

    /**
     * Metric families the chart's alerts and dashboard use before the services export them (issue 12 and 11 work in
     * progress): a member's bucket budget and its use.
     * Remove each name once its service exports it; {@link ExportedMetricsTest} then checks it for real.
     */
    static final Set<String> PENDING_METRICS = Set.of();

    /** Series Prometheus itself makes: the scrape's {@code up} and the {@code ALERTS} of firing rules. */
    static final Set<String> PROMETHEUS_SERIES = Set.of("up", "ALERTS");

    private ConfigurationNames() {}
}
