package dev.tokenplane.agent;

import dev.tokenplane.agent.core.BackoffPolicy;
import dev.tokenplane.agent.core.NameFilter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The agent's validated configuration. {@link #fromSettings} is the one place where raw values are checked; every
 * message names the variable, its flag and the allowed range. Tests build one with {@link #builder()}.
 *
 * @param serverId            server id in the report URL
 * @param bmsUrls             BMS base URLs, without trailing slash, in order of preference
 * @param bmsToken            bearer token for the BMS, if any
 * @param intervalMillis      sampling interval
 * @param region              region in each report
 * @param pool                pool in each report
 * @param host                bind address of the agent's HTTP endpoints
 * @param port                port of the agent's HTTP endpoints (0: any free port)
 * @param scrapeUrl           Prometheus endpoint of the service, if latency is scraped
 * @param scrapeMetric        histogram base name at the scrape URL
 * @param networkFilter       interfaces summed, by name
 * @param includeLoopback     whether loopback interfaces are summed
 * @param diskFilter          disks summed, by name
 * @param netCapacityBitsPerSecond capacity of interfaces without a reported speed, bits/s; 0: none
 * @param bufferSize          unsent reports kept
 * @param backoff             backoff between failed rounds of sends
 * @param requestTimeoutMillis timeout of one request to the BMS or the scrape URL
 * @param logLevel            root log level
 * @param bmsCaFile           PEM certificate authorities trusted for https:// BMS URLs; empty for the JVM's
 * @param jsonLogs            JSON log lines instead of text
 */
public record AgentConfig(
        String serverId,
        List<String> bmsUrls,
        Optional<String> bmsToken,
        long intervalMillis,
        String region,
        String pool,
        String host,
        int port,
        Optional<String> scrapeUrl,
        String scrapeMetric,
        NameFilter networkFilter,
        boolean includeLoopback,
        NameFilter diskFilter,
        long netCapacityBitsPerSecond,
        int bufferSize,
        BackoffPolicy backoff,
        long requestTimeoutMillis,
        String logLevel,
        Optional<Path> bmsCaFile,
        boolean jsonLogs) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*_(seconds|milliseconds)");
    private static final Pattern LEVEL = Pattern.compile("ERROR|WARN|INFO|DEBUG|TRACE");
    private static final Pattern LOG_FORMAT = Pattern.compile("TEXT|JSON");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:%_-]{1,253}");
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7e]{1,4096}");

    public AgentConfig {
        bmsUrls = List.copyOf(bmsUrls);
        Objects.requireNonNull(bmsToken, "bmsToken");
        Objects.requireNonNull(scrapeUrl, "scrapeUrl");
        Objects.requireNonNull(bmsCaFile, "bmsCaFile");
    }

    /** Factor from the scraped histogram's unit to ms. */
    public double scrapeToMillis() {
        return scrapeMetric.endsWith("_seconds") ? 1000.0 : 1.0;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "AgentConfig[serverId=" + serverId + ", bmsUrls=" + bmsUrls + ", bmsToken="
                + (bmsToken.isPresent() ? "(set)" : "(none)") + ", intervalMillis=" + intervalMillis + ", region="
                + region + ", pool=" + pool + ", host=" + host + ", port=" + port + ", scrapeUrl=" + scrapeUrl
                + ", scrapeMetric=" + scrapeMetric + ", networkFilter=" + networkFilter + ", includeLoopback="
                + includeLoopback + ", diskFilter=" + diskFilter + ", netCapacityBitsPerSecond="
                + netCapacityBitsPerSecond + ", bufferSize=" + bufferSize + ", backoff=" + backoff
                + ", requestTimeoutMillis=" + requestTimeoutMillis + ", logLevel=" + logLevel + ", bmsCaFile="
                + bmsCaFile + ", jsonLogs=" + jsonLogs + "]";
    }

    /**
     * Validates raw values (from flags or the environment) and applies defaults.
     *
     * @param raw values by setting; absent or blank means "not set"
     * @return the configuration
     * @throws ConfigException naming the first bad variable, its flag and the allowed range
     */
    public static AgentConfig fromSettings(Map<AgentSetting, String> raw) {
        Map<AgentSetting, String> values = new EnumMap<>(AgentSetting.class);
        for (AgentSetting setting : AgentSetting.values()) {
            String value = raw.get(setting);
            if (value == null || value.isBlank()) {
                value = setting.defaultValue();
            }
            if (value != null) {
                values.put(setting, value.strip());
            }
        }
        String serverId =
                values.containsKey(AgentSetting.SERVER_ID) ? values.get(AgentSetting.SERVER_ID) : defaultServerId();
        long backoffBase = integer(values, AgentSetting.BACKOFF_BASE_MS, 1, 600_000);
        return new AgentConfig(
                matching(AgentSetting.SERVER_ID, serverId, ID, "[A-Za-z0-9._-]{1,128}"),
                urls(values.get(AgentSetting.BMS_URLS)),
                Optional.ofNullable(values.get(AgentSetting.BMS_TOKEN))
                        .map(t -> matching(AgentSetting.BMS_TOKEN, t, TOKEN, "1 to 4096 visible ASCII characters")),
                integer(values, AgentSetting.INTERVAL_MS, 100, 3_600_000),
                matching(AgentSetting.REGION, values.get(AgentSetting.REGION), LABEL, "[A-Za-z0-9._-]{1,64}"),
                matching(AgentSetting.POOL, values.get(AgentSetting.POOL), LABEL, "[A-Za-z0-9._-]{1,64}"),
                matching(AgentSetting.HOST, values.get(AgentSetting.HOST), HOST, "an IP address or host name"),
                (int) integer(values, AgentSetting.PORT, 0, 65_535),
                Optional.ofNullable(values.get(AgentSetting.SCRAPE_URL)).map(u -> url(AgentSetting.SCRAPE_URL, u)),
                matching(
                        AgentSetting.SCRAPE_METRIC,
                        values.get(AgentSetting.SCRAPE_METRIC),
                        METRIC,
                        "a Prometheus metric name ending in _seconds or _milliseconds"),
                new NameFilter(regex(values, AgentSetting.NET_INCLUDE), regex(values, AgentSetting.NET_EXCLUDE)),
                bool(values, AgentSetting.NET_LOOPBACK),
                new NameFilter(Optional.empty(), regex(values, AgentSetting.DISK_EXCLUDE)),
                integer(values, AgentSetting.NET_CAPACITY_BPS, 0, 10_000_000_000_000L),
                (int) integer(values, AgentSetting.BUFFER_SIZE, 1, 100_000),
                new BackoffPolicy(backoffBase, integer(values, AgentSetting.BACKOFF_MAX_MS, backoffBase, 3_600_000)),
                integer(values, AgentSetting.REQUEST_TIMEOUT_MS, 100, 600_000),
                matching(
                        AgentSetting.LOG_LEVEL,
                        values.get(AgentSetting.LOG_LEVEL).toUpperCase(Locale.ROOT),
                        LEVEL,
                        "one of ERROR, WARN, INFO, DEBUG, TRACE"),
                Optional.ofNullable(values.get(AgentSetting.BMS_CA_FILE)).map(f -> caFile(AgentSetting.BMS_CA_FILE, f)),
                matching(
                                AgentSetting.LOG_FORMAT,
                                values.get(AgentSetting.LOG_FORMAT).toUpperCase(Locale.ROOT),
                                LOG_FORMAT,
                                "TEXT or JSON")
                        .equals("JSON"));
    }

    /** A readable PEM file with at least one certificate. */
    private static Path caFile(AgentSetting setting, String text) {
        Path path = Path.of(text);
        String pem;
        try {
            pem = Files.readString(path, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            throw bad(setting, text, "a readable PEM file of certificates");
        }
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw bad(setting, text, "a PEM file of certificates (-----BEGIN CERTIFICATE-----)");
        }
        return path;
    }

    /** A builder starting from the defaults, for tests and embedding. */
    public static Builder builder() {
        return new Builder();
    }

    private static String defaultServerId() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "localhost";
        }
        String cleaned = name.replaceAll("[^A-Za-z0-9._-]", "-");
        return cleaned.isEmpty() ? "localhost" : cleaned.substring(0, Math.min(128, cleaned.length()));
    }

    private static long integer(Map<AgentSetting, String> values, AgentSetting setting, long min, long max) {
        String text = values.get(setting);
        String range = "an integer in [" + min + ", " + max + "]";
        try {
            long value = Long.parseLong(text);
            if (value < min || value > max) {
                throw bad(setting, text, range);
            }
            return value;
        } catch (NumberFormatException e) {
            throw bad(setting, text, range);
        }
    }

    private static boolean bool(Map<AgentSetting, String> values, AgentSetting setting) {
        String text = values.get(setting).toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(setting, values.get(setting), "true or false");
        };
    }

    private static String matching(AgentSetting setting, String value, Pattern pattern, String range) {
        if (!pattern.matcher(value).matches()) {
            // The token's value stays out of the message: it is a secret even when malformed.
            throw bad(setting, setting == AgentSetting.BMS_TOKEN ? "(hidden)" : value, range);
        }
        return value;
    }

    private static Optional<Pattern> regex(Map<AgentSetting, String> values, AgentSetting setting) {
        String text = values.get(setting);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(text));
        } catch (PatternSyntaxException e) {
            throw bad(setting, text, "a valid Java regular expression (" + e.getDescription() + ")");
        }
    }

    private static List<String> urls(String text) {
        List<String> urls = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                urls.add(url(AgentSetting.BMS_URLS, part.strip()));
            }
        }
        if (urls.isEmpty() || urls.size() > 16) {
            throw bad(AgentSetting.BMS_URLS, text, "1 to 16 comma-separated http(s) URLs");
        }
        return urls;
    }

    private static String url(AgentSetting setting, String text) {
        String range = "an absolute http:// or https:// URL with a host";
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https"))
                    || uri.getHost() == null
                    || uri.getQuery() != null
                    || uri.getFragment() != null) {
                throw bad(setting, text, range);
            }
        } catch (URISyntaxException e) {
            throw bad(setting, text, range);
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static ConfigException bad(AgentSetting setting, String value, String range) {
        return new ConfigException(setting.label() + " must be " + range + "; got '" + value + "'");
    }

    /** Builds a configuration from raw values, validated as {@link #fromSettings} does. */
    public static final class Builder {
        private final Map<AgentSetting, String> raw = new EnumMap<>(AgentSetting.class);

        private Builder() {}

        /** Sets any option by its raw text, as the variable would. */
        public Builder set(AgentSetting setting, String value) {
            raw.put(setting, value);
            return this;
        }

        public Builder serverId(String serverId) {
            return set(AgentSetting.SERVER_ID, serverId);
        }

        public Builder bmsUrls(String... urls) {
            return set(AgentSetting.BMS_URLS, String.join(",", urls));
        }

        public Builder bmsToken(String token) {
            return set(AgentSetting.BMS_TOKEN, token);
        }

        public Builder intervalMillis(long millis) {
            return set(AgentSetting.INTERVAL_MS, Long.toString(millis));
        }

        public Builder port(int port) {
            return set(AgentSetting.PORT, Integer.toString(port));
        }

        public AgentConfig build() {
            return fromSettings(raw);
        }
    }
}
