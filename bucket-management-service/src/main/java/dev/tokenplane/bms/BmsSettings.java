package dev.tokenplane.bms;

import dev.tokenplane.bms.budget.BudgetSizing;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import dev.tokenplane.runtime.settings.Setting;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The BMS configuration: every option is an environment variable with an equal command-line flag
 * ({@code BMS_DATA_DIR} and {@code --data-dir}); a flag wins over the variable, the variable over the default.
 *
 * <p>{@link #VARIABLES} is the one list of options (the CLI, the docs and the Helm chart's test read it; the table is
 * {@link BmsVariables}). Values are checked once, by {@link BmsSettingsReader}: a bad value stops the service with a
 * message naming the variable and the allowed range ({@link InvalidSettingException}).
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
 * @param hotKeyRate        requests per second for one key on this member above which the member serves the key from
 *                          a lease of its own ({@link dev.tokenplane.bms.hotkeys.HotKeyStore}); 0: off
 * @param hotKeyLeaseMs     how long such a lease lasts (from its start or last top-up) before its unused tokens go
 *                          back to the key's owner
 * @param httpEventLoops    how many Vert.x event loops (one HTTP server each) serve the HTTP API; 0: one per CPU
 * @param decisionPort      the port of the binary decision protocol ({@link dev.tokenplane.bms.wire.DecisionWire}) on
 *                          the HTTP hosts, with the HTTP listener's TLS; empty (the default): no such listener; 0
 *                          picks a free port
 * @param networkTransport  how the HTTP and decision listeners do their I/O: Linux's epoll through Netty's native
 *                          transport, or the JDK's NIO
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
        long clientRefusalsPerSecond,
        long hotKeyRate,
        long hotKeyLeaseMs,
        int httpEventLoops,
        java.util.OptionalInt decisionPort,
        NetworkTransport networkTransport) {

    /** The HTTP bind addresses of {@link #host()}: one or several, in order; the first is in {@code url()}. */
    public List<String> hosts() {
        return java.util.Arrays.stream(host.split(",")).map(String::trim).toList();
    }

    /** The event loops serving HTTP: {@link #httpEventLoops()}, or one per CPU when it is 0. */
    public int httpEventLoopCount() {
        return httpEventLoops > 0
                ? httpEventLoops
                : Math.max(1, Runtime.getRuntime().availableProcessors());
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

    /** How Vert.x's listeners do their I/O ({@code BMS_NETWORK_TRANSPORT}); Hazelcast keeps its own NIO. */
    public enum NetworkTransport {
        /**
         * Netty's epoll transport where the JVM runs on Linux x86-64 or aarch64; elsewhere, or if the native library
         * does not load, NIO with a warning. Opt-in: on 2 CPUs it used no less CPU per decision than NIO in paired
         * runs (BENCHMARKS.md, "the native transport").
         */
        NATIVE,
        /** The JDK's NIO selector (the default). */
        NIO
    }

    /** Where the buckets live ({@code BMS_HAZELCAST_MODE}). */
    public enum HazelcastMode {
        /** This process is a Hazelcast member: it holds buckets and serves HTTP. */
        EMBEDDED,
        /** This process is a Hazelcast client of data members ({@link DataMemberMain}): it serves HTTP only. */
        CLIENT
    }

    /**
     * One option: its environment variable, its flag, its default (null for none) and what it means; the flag is the
     * variable without {@code BMS_}, lower case, dashes ({@code BMS_DATA_DIR} to {@code --data-dir}).
     */
    public record Variable(String name, String defaultValue, String description, boolean secret) implements Setting {
        @Override
        public String envName() {
            return name;
        }

        @Override
        public String flag() {
            return Setting.flagOf("BMS_", name);
        }
    }

    public static final List<Variable> VARIABLES = BmsVariables.ALL;

    /** The names of every environment variable the BMS reads. */
    public static final List<String> ENVIRONMENT_VARIABLES =
            VARIABLES.stream().map(Variable::name).toList();

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
        return BmsSettingsReader.read(environment, flags);
    }

    public static Variable variable(String name) {
        return VARIABLES.stream()
                .filter(v -> v.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such variable " + name));
    }
}
