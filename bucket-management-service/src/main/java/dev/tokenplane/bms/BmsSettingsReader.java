package dev.tokenplane.bms;

import static dev.tokenplane.bms.BmsSettings.variable;

import dev.tokenplane.bms.BmsSettings.Discovery;
import dev.tokenplane.bms.BmsSettings.HazelcastMode;
import dev.tokenplane.bms.BmsSettings.LogFormat;
import dev.tokenplane.bms.BmsSettings.RulesMode;
import dev.tokenplane.bms.BmsSettings.Tls;
import dev.tokenplane.bms.budget.BudgetSizing;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import dev.tokenplane.runtime.settings.SecretFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads {@link BmsSettings} from the flags, the environment and the defaults of {@link BmsVariables}, checking each
 * value once: the first bad one throws an {@link InvalidSettingException} naming the variable and the allowed range.
 */
final class BmsSettingsReader {
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{16,512}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");

    private BmsSettingsReader() {}

    static BmsSettings read(Function<String, String> environment, Map<String, String> flags) {
        Function<String, String> value = name -> {
            String v = variable(name).valueFrom(flags.get(name), environment);
            return v == null ? null : v.trim();
        };
        int port = intIn(value, "BMS_PORT", 0, 65535);
        String host = hosts(nonEmpty(value, "BMS_HOST"));
        Path dataDir = Path.of(nonEmpty(value, "BMS_DATA_DIR"));
        Optional<String> adminToken = secret(value, "BMS_ADMIN_TOKEN");
        List<String> members = members(value.apply("BMS_CLUSTER_MEMBERS"));
        int hzPort = intIn(value, "BMS_HAZELCAST_PORT", 1, 65535);
        String hzHost = nonEmpty(value, "BMS_HAZELCAST_HOST");
        String clusterName = value.apply("BMS_CLUSTER_NAME");
        if (clusterName == null || !CLUSTER_NAME.matcher(clusterName).matches()) {
            throw new InvalidSettingException(
                    variable("BMS_CLUSTER_NAME"), "must match [A-Za-z0-9._-]{1,64}", clusterName);
        }
        Discovery discovery = discovery(value.apply("BMS_DISCOVERY"));
        Optional<String> serviceDns = serviceDns(discovery, value.apply("BMS_KUBERNETES_SERVICE_DNS"));
        long sizing = longIn(value, "BMS_SIZING_INTERVAL_MS", 10, 3_600_000);
        Optional<Path> rulesFile = readableFile(value, "BMS_RULES_FILE");
        Optional<String> agentToken = secret(value, "BMS_AGENT_TOKEN");
        Optional<String> readToken = secret(value, "BMS_READ_TOKEN");
        Optional<Path> agentTokens = readableFile(value, "BMS_AGENT_TOKENS_FILE");
        int maxAgents = intIn(value, "BMS_MAX_AGENTS", 1, 1_000_000);
        int auditRetention = intIn(value, "BMS_AUDIT_RETENTION", 100, 1_000_000);
        int expectedMembers = intIn(value, "BMS_EXPECTED_MEMBERS", 1, 1_000);
        Optional<Path> apiKeys = readableFile(value, "BMS_API_KEYS_FILE");
        int maxBody = intIn(value, "BMS_MAX_BODY_BYTES", 1024, 16 * 1024 * 1024);
        long stale = longIn(value, "BMS_AGENT_STALE_MS", 100, 86_400_000);
        long delay = longIn(value, "BMS_SHUTDOWN_DELAY_MS", 0, 600_000);
        long shutdown = longIn(value, "BMS_SHUTDOWN_TIMEOUT_MS", 0, 600_000);
        Optional<String> clusterSecret = secret(value, "BMS_CLUSTER_SECRET");
        Optional<Tls> tls = tls(value);
        long maxBuckets = value.apply("BMS_MAX_BUCKETS") == null
                        || value.apply("BMS_MAX_BUCKETS").isEmpty()
                ? BudgetSizing.fromHeap(Runtime.getRuntime().maxMemory())
                : longIn(value, "BMS_MAX_BUCKETS", 1, 1_000_000_000L);
        long idleTimeout = longIn(value, "BMS_HTTP_IDLE_TIMEOUT_MS", 1_000, 3_600_000);
        RulesMode rulesMode = oneOf(value, "BMS_RULES_MODE", RulesMode.class);
        String logLevel = oneOf(value, "BMS_LOG_LEVEL", LogLevel.class).name();
        LogFormat logFormat = oneOf(value, "BMS_LOG_FORMAT", LogFormat.class);
        long requestTimeout = longIn(value, "BMS_REQUEST_TIMEOUT_MS", 100, 60_000);
        HazelcastMode mode = oneOf(value, "BMS_HAZELCAST_MODE", HazelcastMode.class);
        if (mode == HazelcastMode.CLIENT && discovery == Discovery.STATIC && members.isEmpty()) {
            throw new InvalidSettingException(
                    variable("BMS_CLUSTER_MEMBERS"),
                    "is required with BMS_HAZELCAST_MODE=client: the data members' client endpoints",
                    "");
        }
        int clientPort = intIn(value, "BMS_HAZELCAST_CLIENT_PORT", 1, 65535);
        return new BmsSettings(
                port,
                host,
                dataDir,
                adminToken,
                members,
                hzPort,
                hzHost,
                clusterName,
                discovery,
                serviceDns,
                sizing,
                rulesFile,
                agentToken,
                apiKeys,
                maxBody,
                stale,
                delay,
                shutdown,
                readToken,
                agentTokens,
                maxAgents,
                auditRetention,
                maxBuckets,
                idleTimeout,
                tls,
                rulesMode,
                logLevel,
                logFormat,
                requestTimeout,
                clusterSecret,
                expectedMembers,
                mode,
                clientPort,
                longIn(value, "BMS_CLIENT_REFUSALS_PER_SECOND", 0, 1_000_000),
                longIn(value, "BMS_HOT_KEY_RATE", 0, 10_000_000),
                longIn(value, "BMS_HOT_KEY_LEASE_MS", 10, 1_000),
                intIn(value, "BMS_HTTP_EVENT_LOOPS", 0, 256),
                optionalPort(value, "BMS_DECISION_PORT"),
                oneOf(value, "BMS_NETWORK_TRANSPORT", BmsSettings.NetworkTransport.class));
    }

    /** An unset or empty variable: none; else a port in [0, 65535]. */
    private static java.util.OptionalInt optionalPort(Function<String, String> value, String name) {
        String v = value.apply(name);
        return v == null || v.isEmpty()
                ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(intIn(value, name, 0, 65535));
    }

    private enum LogLevel {
        ERROR,
        WARN,
        INFO,
        DEBUG,
        TRACE
    }

    /** A value of {@code type}, by its name in any case. */
    private static <E extends Enum<E>> E oneOf(Function<String, String> value, String name, Class<E> type) {
        String v = value.apply(name);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new InvalidSettingException(
                variable(name),
                "must be one of "
                        + java.util.Arrays.stream(type.getEnumConstants())
                                .map(e -> e.name().toLowerCase(Locale.ROOT))
                                .toList(),
                v);
    }

    private static int intIn(Function<String, String> value, String name, int min, int max) {
        return (int) longIn(value, name, min, max);
    }

    private static long longIn(Function<String, String> value, String name, long min, long max) {
        String v = value.apply(name);
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        throw new InvalidSettingException(variable(name), "must be an integer in [" + min + ", " + max + "]", v);
    }

    /** {@code BMS_HOST}: addresses separated by commas, none empty; one given twice is bound once. */
    private static String hosts(String value) {
        List<String> hosts = java.util.Arrays.stream(value.split(",", -1))
                .map(String::trim)
                .distinct()
                .toList();
        if (hosts.stream().anyMatch(String::isEmpty)) {
            throw new InvalidSettingException(
                    variable("BMS_HOST"), "must be one address or a comma-separated list " + "of addresses", value);
        }
        return String.join(",", hosts);
    }

    private static String nonEmpty(Function<String, String> value, String name) {
        String v = value.apply(name);
        if (v == null || v.isEmpty()) {
            throw new InvalidSettingException(variable(name), "must not be empty", v);
        }
        return v;
    }

    private static Optional<String> token(Function<String, String> value, String name) {
        String v = value.apply(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        if (!TOKEN.matcher(v).matches()) {
            throw new InvalidSettingException(
                    variable(name),
                    "must be 16..512 visible ASCII characters (no spaces), had " + v.length() + " characters",
                    null);
        }
        return Optional.of(v);
    }

    /** A secret from its variable or from the file its {@code _FILE} variant names ({@link SecretFiles}). */
    private static Optional<String> secret(Function<String, String> value, String name) {
        Optional<String> secret = SecretFiles.read(
                variable(name), value.apply(name), variable(name + "_FILE"), value.apply(name + "_FILE"));
        return secret.isEmpty() ? secret : token(n -> secret.get(), name);
    }

    private static Optional<Path> readableFile(Function<String, String> value, String name) {
        String v = value.apply(name);
        if (v == null || v.isEmpty()) {
            return Optional.empty();
        }
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw new InvalidSettingException(variable(name), "must name a readable file", v);
        }
        return Optional.of(p);
    }

    private static Discovery discovery(String v) {
        for (Discovery d : Discovery.values()) {
            if (d.name().toLowerCase(Locale.ROOT).equals(v)) {
                return d;
            }
        }
        throw new InvalidSettingException(variable("BMS_DISCOVERY"), "must be static or kubernetes", v);
    }

    private static Optional<String> serviceDns(Discovery discovery, String v) {
        if (v == null || v.isEmpty()) {
            if (discovery == Discovery.KUBERNETES) {
                throw new InvalidSettingException(
                        variable("BMS_KUBERNETES_SERVICE_DNS"), "is required with BMS_DISCOVERY=kubernetes", null);
            }
            return Optional.empty();
        }
        if (!DNS_NAME.matcher(v).matches()) {
            throw new InvalidSettingException(variable("BMS_KUBERNETES_SERVICE_DNS"), "must be a DNS name", v);
        }
        return Optional.of(v);
    }

    /** Both TLS files or neither, each readable and holding what it should. */
    private static Optional<Tls> tls(Function<String, String> value) {
        Optional<Path> cert = readableFile(value, "BMS_TLS_CERT_FILE");
        Optional<Path> key = readableFile(value, "BMS_TLS_KEY_FILE");
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            String missing = cert.isEmpty() ? "BMS_TLS_CERT_FILE" : "BMS_TLS_KEY_FILE";
            throw new InvalidSettingException(
                    variable(missing),
                    "must be set too: HTTPS needs both " + "BMS_TLS_CERT_FILE and BMS_TLS_KEY_FILE",
                    null);
        }
        PemFiles.checkCertificates(variable("BMS_TLS_CERT_FILE"), cert.get());
        PemFiles.checkPrivateKey(variable("BMS_TLS_KEY_FILE"), key.get());
        return Optional.of(new Tls(cert.get(), key.get()));
    }

    private static List<String> members(String v) {
        List<String> members = new ArrayList<>();
        if (v == null || v.isBlank()) {
            return members;
        }
        for (String m : v.split(",")) {
            String member = m.trim();
            if (member.isEmpty()) {
                continue;
            }
            if (!MEMBER.matcher(member).matches()) {
                throw new InvalidSettingException(
                        variable("BMS_CLUSTER_MEMBERS"), "must be a comma-separated list of host:port", member);
            }
            int port = Integer.parseInt(member.substring(member.lastIndexOf(':') + 1));
            if (port < 1 || port > 65535) {
                throw new InvalidSettingException(
                        variable("BMS_CLUSTER_MEMBERS"), "ports must be in [1, 65535]", member);
            }
            members.add(member);
        }
        return members;
    }
}
