package dev.tokenplane.bms;

import dev.tokenplane.bms.budget.BudgetSizing;
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
 * The BMS configuration: every option is an environment variable with an equal command-line flag
 * ({@code BMS_DATA_DIR} and {@code --data-dir}); a flag wins over the variable, the variable over the default.
 *
 * <p>{@link #VARIABLES} is the one list of options (the CLI, the docs and the Helm chart's test read it). Values are
 * checked here, once: a bad value stops the service with a message naming the variable and the allowed range.
 *
 * @param port              HTTP port; 0 picks a free one
 * @param host              HTTP bind address, or several separated by commas (each gets a listener on the same port)
 * @param dataDir           where the admin token and the embedded database live
 * @param adminToken        the admin bearer token, or empty to read or generate {@code <dataDir>/admin-token}
 * @param clusterMembers    Hazelcast members ({@code host:port}) to join; empty for a single member
 * @param hazelcastPort     the Hazelcast member's port
 * @param hazelcastHost     the address Hazelcast binds to and announces
 * @param clusterName       the Hazelcast cluster name; members join only a cluster of the same name
 * @param discovery         how a member finds the others: the static {@code clusterMembers} list, or Kubernetes DNS
 * @param kubernetesServiceDns the headless Service whose DNS records list the members (kubernetes discovery only)
 * @param sizingIntervalMs  the sizing tick
 * @param rulesFile         a YAML or JSON rules file to load at start, if any
 * @param agentToken        the bearer token agents report with; empty to accept only the admin token
 * @param apiKeysFile       a YAML or JSON map apiKey to clientId; empty means decisions need no API key
 * @param maxBodyBytes      the largest request body accepted
 * @param agentStaleMs      how long after its last report an agent counts as stale
 * @param shutdownDelayMs   how long readiness answers 503 before the HTTP server stops accepting
 * @param shutdownTimeoutMs how long a graceful shutdown waits for in-flight requests
 * @param readToken         the bearer token of the read-only operator, if any
 * @param agentTokensFile   a YAML or JSON list of named agent tokens bound to server id patterns, if any
 * @param maxAgents         how many distinct agents (server ids) the cluster tracks at most
 * @param auditRetention    how many audit records each member keeps
 * @param maxBuckets        the most buckets this member may own; unset, derived from the maximum heap
 *                          ({@link BudgetSizing#fromHeap})
 * @param httpIdleTimeoutMs an HTTP connection with nothing read or written this long is closed
 * @param tls               the PEM certificate chain and private key of the HTTPS listener; empty for plain HTTP
 * @param rulesMode         what the rules file is: a seed of missing rules, or the source of truth of its rules
 * @param logLevel          the root log level
 * @param logFormat         text lines or JSON lines on standard output
 * @param requestTimeoutMs  the deadline of every store call on the request path; past it, 503 {@code unavailable}
 * @param clusterSecret     the secret the Hazelcast cluster name is derived from; empty to read or generate
 *                          {@code <dataDir>/cluster-secret}
 * @param hazelcastMode     embedded (this process is a member holding buckets) or client (of data members)
 * @param hazelcastClientPort the client endpoint's port of a data member ({@link DataMemberMain} only)
 * @param expectedMembers   how many members the cluster is meant to have; above 1, a member that sees fewer than a
 *                          majority of them refuses configuration writes (split-brain protection)
 * @param clientRefusalsPerSecond bucket-budget refusals per second one client may get before its decisions are
 *                          refused at the HTTP edge ({@link dev.tokenplane.bms.budget.ClientRefusalLimit}); 0: off
 *
 * <p>Secrets ({@link Variable#secret()}) come from their variable or from a file named by its {@code _FILE} variant
 * ({@code BMS_ADMIN_TOKEN_FILE}); {@link BmsMain} refuses them as flags, which would show them in {@code ps}.
 */
public record BmsSettings(
        int port,
        String host,
        Path dataDir,
        Optional<String> adminToken,
        List<String> clusterMembers,
        int hazelcastPort,
        String hazelcastHost,
        String clusterName,
        Discovery discovery,
        Optional<String> kubernetesServiceDns,
        long sizingIntervalMs,
        Optional<Path> rulesFile,
        Optional<String> agentToken,
        Optional<Path> apiKeysFile,
        int maxBodyBytes,
        long agentStaleMs,
        long shutdownDelayMs,
        long shutdownTimeoutMs,
        Optional<String> readToken,
        Optional<Path> agentTokensFile,
        int maxAgents,
        int auditRetention,
        long maxBuckets,
        long httpIdleTimeoutMs,
        Optional<Tls> tls,
        RulesMode rulesMode,
        String logLevel,
        LogFormat logFormat,
        long requestTimeoutMs,
        Optional<String> clusterSecret,
        int expectedMembers,
        HazelcastMode hazelcastMode,
        int hazelcastClientPort,
        long clientRefusalsPerSecond) {

    /** The HTTP bind addresses of {@link #host()}: one or several, in order; the first is in {@code url()}. */
    public List<String> hosts() {
        return java.util.Arrays.stream(host.split(",")).map(String::trim).toList();
    }

    /** The HTTPS listener's PEM files: the certificate chain (server first) and its private key. */
    public record Tls(Path certFile, Path keyFile) {}

    /** How {@code BMS_RULES_FILE} is applied ({@code dev.tokenplane.bms.config.RulesFileSource}). */
    public enum RulesMode {
        /** At start, create the file's rules that the cluster never had (no record, no tombstone); nothing else. */
        SEED,
        /** The file owns its rules: applied at start and on every change, removed rules deleted, API writes refused. */
        SYNC
    }

    /** The shape of log lines. */
    public enum LogFormat {
        TEXT,
        JSON
    }

    /** How a member finds the others ({@code BMS_DISCOVERY}). */
    public enum Discovery {
        /** Hazelcast tcp-ip join through {@code BMS_CLUSTER_MEMBERS} (or this member alone). */
        STATIC,
        /** Hazelcast's built-in Kubernetes discovery in DNS mode: the A records of a headless Service, no RBAC. */
        KUBERNETES
    }

    /** Where the buckets live ({@code BMS_HAZELCAST_MODE}). */
    public enum HazelcastMode {
        /** This process is a Hazelcast member: it holds buckets and serves HTTP. */
        EMBEDDED,
        /** This process is a Hazelcast client of data members ({@link DataMemberMain}): it serves HTTP only. */
        CLIENT
    }

    /** One option: its environment variable, its flag, its default (null for none) and what it means. */
    public record Variable(String name, String defaultValue, String description, boolean secret) {
        /** The flag: the variable without {@code BMS_}, lower case, dashes ({@code BMS_DATA_DIR} to {@code --data-dir}). */
        public String flag() {
            return "--"
                    + name.substring("BMS_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final List<Variable> VARIABLES = List.of(
            new Variable("BMS_PORT", "8080", "HTTP port, 0..65535 (0 picks a free port)", false),
            new Variable(
                    "BMS_HOST",
                    "127.0.0.1",
                    "HTTP bind address, or a comma-separated list of them (the same "
                            + "port on each; e.g. the pod IP and 127.0.0.1, for probes and kubectl port-forward)",
                    false),
            new Variable("BMS_DATA_DIR", "./data", "data directory (admin token, embedded database)", false),
            new Variable(
                    "BMS_ADMIN_TOKEN",
                    null,
                    "admin bearer token, 16..512 visible ASCII characters; when unset, "
                            + "read or generated in <data dir>/admin-token (mode 600)",
                    true),
            new Variable(
                    "BMS_CLUSTER_MEMBERS",
                    "",
                    "comma-separated host:port of Hazelcast members; empty means a " + "single member",
                    false),
            new Variable("BMS_HAZELCAST_PORT", "5701", "Hazelcast port, 1..65535", false),
            new Variable(
                    "BMS_HAZELCAST_HOST",
                    "127.0.0.1",
                    "address Hazelcast binds to and announces " + "(0.0.0.0 binds every interface)",
                    false),
            new Variable(
                    "BMS_CLUSTER_NAME",
                    "tokenplane",
                    "Hazelcast cluster name, [A-Za-z0-9._-]{1,64}; members "
                            + "use it with a tag derived from BMS_CLUSTER_SECRET",
                    false),
            new Variable(
                    "BMS_CLUSTER_SECRET",
                    null,
                    "secret shared by the members of a cluster, 16..512 visible ASCII "
                            + "characters; members with another secret cannot join. When unset, read or generated in "
                            + "<data dir>/cluster-secret (mode 600)",
                    true),
            new Variable(
                    "BMS_CLUSTER_SECRET_FILE",
                    null,
                    "file holding the cluster secret (instead of " + "BMS_CLUSTER_SECRET)",
                    false),
            new Variable(
                    "BMS_DISCOVERY",
                    "static",
                    "how members find each other: static (BMS_CLUSTER_MEMBERS) or "
                            + "kubernetes (DNS records of BMS_KUBERNETES_SERVICE_DNS)",
                    false),
            new Variable(
                    "BMS_KUBERNETES_SERVICE_DNS",
                    null,
                    "with BMS_DISCOVERY=kubernetes: the headless Service "
                            + "that publishes every member, e.g. tp-tokenplane-bms-headless.rate.svc.cluster.local",
                    false),
            new Variable("BMS_SIZING_INTERVAL_MS", "1000", "sizing tick in ms, 10..3600000", false),
            new Variable("BMS_RULES_FILE", null, "optional YAML/JSON file of rules to load at start", false),
            new Variable(
                    "BMS_AGENT_TOKEN",
                    null,
                    "bearer token for agent reports, 16..512 visible ASCII characters; "
                            + "when unset, agents use the admin token",
                    true),
            new Variable(
                    "BMS_API_KEYS_FILE",
                    null,
                    "optional YAML/JSON map apiKey -> clientId; when set, decisions " + "need X-Api-Key",
                    false),
            new Variable("BMS_MAX_BODY_BYTES", "65536", "largest request body in bytes, 1024..16777216", false),
            new Variable(
                    "BMS_AGENT_STALE_MS",
                    "10000",
                    "an agent is stale this long after its last report, " + "100..86400000",
                    false),
            new Variable(
                    "BMS_SHUTDOWN_DELAY_MS",
                    "0",
                    "how long readiness answers 503 before the HTTP server stops "
                            + "accepting, so that load balancers stop sending first, 0..600000",
                    false),
            new Variable(
                    "BMS_SHUTDOWN_TIMEOUT_MS",
                    "10000",
                    "how long a graceful shutdown waits for in-flight " + "requests, 0..600000",
                    false),
            new Variable(
                    "BMS_ADMIN_TOKEN_FILE", null, "file holding the admin token (instead of BMS_ADMIN_TOKEN)", false),
            new Variable(
                    "BMS_AGENT_TOKEN_FILE", null, "file holding the agent token (instead of BMS_AGENT_TOKEN)", false),
            new Variable(
                    "BMS_READ_TOKEN",
                    null,
                    "bearer token of the read-only operator (GET of rules, buckets, "
                            + "agents, pools, audit), 16..512 visible ASCII characters; unset: no read-only credential",
                    true),
            new Variable(
                    "BMS_READ_TOKEN_FILE", null, "file holding the read-only token (instead of BMS_READ_TOKEN)", false),
            new Variable(
                    "BMS_AGENT_TOKENS_FILE",
                    null,
                    "optional YAML/JSON list of named agent tokens, each bound to "
                            + "server ids: [{name, token | tokenSha256, servers: 'web-*'}]",
                    false),
            new Variable(
                    "BMS_MAX_AGENTS",
                    "10000",
                    "most agents (server ids) the cluster tracks; a report from a "
                            + "new server past it gets 503 too_many_agents, 1..1000000",
                    false),
            new Variable(
                    "BMS_AUDIT_RETENTION",
                    "10000",
                    "audit records kept (the oldest are pruned), " + "100..1000000",
                    false),
            new Variable(
                    "BMS_MAX_BUCKETS",
                    null,
                    "the most buckets this member may own, 1..1000000000; past it a "
                            + "decision that needs a new bucket gets 503 bucket_budget_exhausted (existing buckets are still "
                            + "served); when unset, half the maximum heap / " + BudgetSizing.BYTES_PER_BUCKET
                            + " bytes",
                    false),
            new Variable(
                    "BMS_HTTP_IDLE_TIMEOUT_MS",
                    "60000",
                    "an HTTP connection with nothing read or written for "
                            + "this long is closed (idle clients, stalled or partial requests), 1000..3600000",
                    false),
            new Variable(
                    "BMS_CLIENT_REFUSALS_PER_SECOND",
                    "100",
                    "bucket-budget refusals per second one client "
                            + "(API key, or remote address without API keys) may get, in bursts of up to 1000; past it the "
                            + "client's decisions get 429 creation_rate_exceeded before any store call, 0..1000000 (0: off)",
                    false),
            new Variable(
                    "BMS_TLS_CERT_FILE",
                    null,
                    "PEM certificate chain (server certificate first); with "
                            + "BMS_TLS_KEY_FILE the HTTP API is served over HTTPS only",
                    false),
            new Variable(
                    "BMS_TLS_KEY_FILE",
                    null,
                    "PEM private key of BMS_TLS_CERT_FILE (unencrypted PKCS#8 or " + "PKCS#1 RSA)",
                    false),
            new Variable(
                    "BMS_RULES_MODE",
                    "seed",
                    "seed: create the rules file's rules the cluster never had, at "
                            + "start; sync: the file owns its rules (re-read on change, removed rules deleted, API writes to "
                            + "them refused with 409 managed_by_file)",
                    false),
            new Variable("BMS_LOG_LEVEL", "info", "root log level: error, warn, info, debug or trace", false),
            new Variable(
                    "BMS_LOG_FORMAT",
                    "text",
                    "log lines on standard output: text or json (one JSON object " + "a line)",
                    false),
            new Variable(
                    "BMS_REQUEST_TIMEOUT_MS",
                    "2000",
                    "deadline of each store call of a request (decisions, "
                            + "leases, releases, bucket reads); past it the answer is 503 unavailable, 100..60000",
                    false),
            new Variable(
                    "BMS_HAZELCAST_MODE",
                    "embedded",
                    "embedded: this process is a Hazelcast member that holds "
                            + "buckets; client: a Hazelcast client of data members (dev.tokenplane.bms.DataMemberMain) "
                            + "reached at BMS_CLUSTER_MEMBERS, their client ports",
                    false),
            new Variable(
                    "BMS_HAZELCAST_CLIENT_PORT",
                    "5710",
                    "data members only (DataMemberMain): the port of the "
                            + "endpoint BMS clients connect to, 1..65535",
                    false),
            new Variable(
                    "BMS_EXPECTED_MEMBERS",
                    "1",
                    "members the cluster is meant to have, 1..1000; above 1, a "
                            + "member that sees fewer than a majority of them answers configuration writes with 503 "
                            + "unavailable (split-brain protection); 1 turns it off",
                    false));

    /** The names of every environment variable the BMS reads. */
    public static final List<String> ENVIRONMENT_VARIABLES =
            VARIABLES.stream().map(Variable::name).toList();

    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{16,512}");
    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");
    private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}");

    public BmsSettings {
        clusterMembers = List.copyOf(clusterMembers);
    }

    /** The defaults, as if no variable and no flag were given. */
    public static BmsSettings defaults() {
        return resolve(name -> null, Map.of());
    }

    /**
     * Resolves every option from the flags given (keyed by variable name), then the environment, then the defaults.
     * Embedding code and tests may pass secrets in {@code flags}; the command line may not ({@link BmsMain}).
     *
     * @throws InvalidSettingException naming the variable and the allowed values, for the first bad value
     */
    public static BmsSettings resolve(Function<String, String> environment, Map<String, String> flags) {
        Function<String, String> value = name -> {
            String v = flags.containsKey(name) ? flags.get(name) : environment.apply(name);
            if (v == null) {
                v = variable(name).defaultValue();
            }
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
                longIn(value, "BMS_CLIENT_REFUSALS_PER_SECOND", 0, 1_000_000));
    }

    public static Variable variable(String name) {
        return VARIABLES.stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such variable " + name));
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

    /**
     * A secret from its variable or from the file its {@code _FILE} variant names (trimmed), not both. Files let an
     * orchestrator mount the secret (a Kubernetes Secret volume) instead of putting it in the environment.
     */
    private static Optional<String> secret(Function<String, String> value, String name) {
        Optional<Path> file = readableFile(value, name + "_FILE");
        Optional<String> direct = token(value, name);
        if (file.isEmpty()) {
            return direct;
        }
        if (direct.isPresent()) {
            throw new InvalidSettingException(variable(name), "and " + name + "_FILE are both set: set one", null);
        }
        String token;
        try {
            token = Files.readString(file.get(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
        } catch (java.io.IOException e) {
            throw new InvalidSettingException(
                    variable(name + "_FILE"),
                    "must name a readable file",
                    file.get().toString());
        }
        if (token.isEmpty()) {
            throw new InvalidSettingException(
                    variable(name + "_FILE"), "names an empty file", file.get().toString());
        }
        return token(n -> token, name);
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

    /** A bad option value. The message names the variable and its flag, and never repeats a secret. */
    public static final class InvalidSettingException extends RuntimeException {
        public InvalidSettingException(Variable variable, String rule, String was) {
            super(variable.name() + " (" + variable.flag() + ") " + rule
                    + (was == null || variable.secret() ? "" : ", was '" + was + "'"));
        }
    }
}
