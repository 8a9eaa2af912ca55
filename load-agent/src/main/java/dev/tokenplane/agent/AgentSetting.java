package dev.tokenplane.agent;

import dev.tokenplane.runtime.settings.Setting;

/**
 * Every option of the agent: an environment variable and its equal command-line flag ({@code AGENT_INTERVAL_MS}
 * &lt;-&gt; {@code --interval-ms}: the name without {@code AGENT_}, lower-case, dashes). A flag wins over the variable.
 * The first eight names are contracts shared with the other modules. A {@link #secret()} has no flag: the command
 * line of a process shows in {@code ps}. The same {@link Setting} style as the BMS's options ({@code BmsSettings}).
 */
public enum AgentSetting implements Setting {
    SERVER_ID("ID", null, "Server id the reports are filed under, [A-Za-z0-9._-]{1,128}. Default: the host name."),
    BMS_URLS("URLS", "http://127.0.0.1:8080", "Comma-separated BMS base URLs, tried in order; failover moves on."),
    INTERVAL_MS("MS", "1000", "Sampling and reporting interval in ms, [100, 3600000]."),
    REGION("REGION", "default", "Region sent in each report, [A-Za-z0-9._-]{1,64}."),
    POOL("POOL", "default", "Pool sent in each report, [A-Za-z0-9._-]{1,64}."),
    PORT("PORT", "9470", "Port of the agent's own /health, /metrics and /v1/latency, [0, 65535] (0: any free port)."),
    HOST("HOST", "127.0.0.1", "Address the agent's HTTP endpoints bind to."),
    BMS_TOKEN(
            "TOKEN",
            null,
            "Bearer token sent to the BMS (BMS_AGENT_TOKEN, or a token of BMS_AGENT_TOKENS_FILE "
                    + "there). Environment only: the flag is refused, it would show in ps. Never logged."),
    BMS_TOKEN_FILE(
            "FILE",
            null,
            "File holding the bearer token, instead of AGENT_BMS_TOKEN (a mounted secret); " + "read once at start."),
    BMS_CA_FILE(
            "PATH",
            null,
            "PEM file of the certificate authorities trusted for https:// BMS URLs (the BMS's CA or "
                    + "self-signed certificate). Default: the JVM's trust store."),
    SCRAPE_URL("URL", null, "Optional Prometheus endpoint of the service to take request latency from."),
    SCRAPE_METRIC(
            "NAME",
            "http_server_requests_seconds",
            "Histogram to read at the scrape URL (base name, ending _seconds or _milliseconds)."),
    NET_INCLUDE("REGEX", null, "Only interfaces whose name matches this regex are summed. Default: all."),
    NET_EXCLUDE(
            "REGEX",
            "(veth|docker|br-|virbr|cni|flannel|cali|ifb).*",
            "Interfaces whose name matches this regex are left out (virtual ones that would count traffic twice)."),
    NET_LOOPBACK("BOOL", "false", "Whether loopback interfaces are summed, true or false."),
    NET_CAPACITY_BPS(
            "BITS",
            "0",
            "Link capacity in bits/s of interfaces whose speed the OS does not report (many "
                    + "virtual NICs), for netUtilisation, [0, 10000000000000]; 0: such interfaces add no netUtilisation."),
    DISK_EXCLUDE(
            "REGEX",
            "(loop|ram|zram|dm-|md|sr|fd).*",
            "Disks whose name matches this regex are left out (virtual or stacked devices)."),
    BUFFER_SIZE("N", "300", "Unsent reports kept while the BMS is unreachable, [1, 100000]; the oldest is dropped."),
    BACKOFF_BASE_MS("MS", "500", "First backoff ceiling in ms, [1, 600000]."),
    BACKOFF_MAX_MS("MS", "30000", "Backoff cap in ms, [AGENT_BACKOFF_BASE_MS, 3600000]."),
    REQUEST_TIMEOUT_MS("MS", "5000", "Timeout of one report or scrape request in ms, [100, 600000]."),
    LOG_LEVEL("LEVEL", "INFO", "Log level on stderr: ERROR, WARN, INFO, DEBUG or TRACE."),
    LOG_FORMAT("FORMAT", "TEXT", "Log lines on stderr: TEXT, or JSON (one object a line, ISO-8601 time).");

    private final String paramLabel;
    private final String defaultValue;
    private final String description;

    AgentSetting(String paramLabel, String defaultValue, String description) {
        this.paramLabel = paramLabel;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The environment variable, e.g. {@code AGENT_INTERVAL_MS}. */
    @Override
    public String envName() {
        return "AGENT_" + name();
    }

    /** The equal flag, e.g. {@code --interval-ms}. */
    @Override
    public String flag() {
        return Setting.flagOf("AGENT_", envName());
    }

    @Override
    public boolean secret() {
        return this == BMS_TOKEN;
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String paramLabel() {
        return paramLabel;
    }

    @Override
    public String description() {
        return description;
    }
}
