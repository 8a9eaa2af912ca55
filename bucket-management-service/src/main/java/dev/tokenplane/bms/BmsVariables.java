package dev.tokenplane.bms;

import dev.tokenplane.bms.BmsSettings.Variable;
import dev.tokenplane.bms.budget.BudgetSizing;
import java.util.List;

/**
 * The table of the BMS's options ({@link BmsSettings#VARIABLES}): each variable's name, default and description, as
 * {@code bms --help}, the docs and the Helm chart's tests show them. The checks of the values are in
 * {@link BmsSettingsReader}.
 */
final class BmsVariables {
    private BmsVariables() {}

    static final List<Variable> ALL = List.of(
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
                    "BMS_HTTP_EVENT_LOOPS",
                    "0",
                    "Vert.x event loops serving the HTTP API (one HTTP server "
                            + "each, sharing the port), 0..256 (0: one per CPU)",
                    false),
            new Variable(
                    "BMS_NETWORK_TRANSPORT",
                    "nio",
                    "how the HTTP and decision listeners do their I/O: nio (the "
                            + "JDK's selector) or native (Linux epoll through Netty, falling back to nio with a warning "
                            + "where it cannot load)",
                    false),
            new Variable(
                    "BMS_CLIENT_REFUSALS_PER_SECOND",
                    "100",
                    "bucket-budget refusals per second one client "
                            + "(API key, or remote address without API keys) may get, in bursts of up to 1000; past it the "
                            + "client's decisions get 429 creation_rate_exceeded before any store call, 0..1000000 (0: off)",
                    false),
            new Variable(
                    "BMS_HOT_KEY_RATE",
                    "1000",
                    "requests per second for one key on this member above "
                            + "which the member answers the key from a short lease of tokens taken from its owner "
                            + "(pre-debited: never over-admits; demoted below half the rate), 0..10000000 (0: off)",
                    false),
            new Variable(
                    "BMS_HOT_KEY_LEASE_MS",
                    "100",
                    "how long a hot key's member-local lease lasts, from its start "
                            + "or its last top-up, before its unused tokens go back to the key's owner; a lease holds "
                            + "about this much of the member's "
                            + "traffic and at most a quarter of the bucket's capacity, 10..1000",
                    false),
            new Variable(
                    "BMS_DECISION_PORT",
                    null,
                    "port of the compact binary decision protocol for the SDK "
                            + "(docs/decision-protocol.md), 0..65535 (0 picks a free port), on the BMS_HOST addresses "
                            + "with the HTTP listener's TLS and API keys; unset (the default): no such listener",
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
}
