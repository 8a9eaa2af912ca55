package dev.tokenplane.bms.http;

import dev.tokenplane.bms.agents.ServerPattern;

/**
 * Who made a request: the credential's name (used in logs and the audit log, never the secret), its role and, for
 * an agent credential, the servers it may report for. The router puts it in the request context under
 * {@link #CONTEXT_KEY}.
 *
 * @param name    the credential's name: {@code admin}, {@code read}, {@code agent}, a name from
 *                {@code BMS_AGENT_TOKENS_FILE}, or {@code client:<id>} for an API key
 * @param role    what it may do
 * @param servers the servers an agent credential may report for (every server for the admin)
 */
public record Caller(String name, Role role, ServerPattern servers) {
    public static final String CONTEXT_KEY = "tp.caller";

    /** What a credential may do. */
    public enum Role {
        /** Every read and every write; agent reports for any server. */
        ADMIN,
        /** The reads of the operator API (rules, buckets, agents, pools, audit); no write. */
        READ,
        /** Agent reports for the servers of its pattern. */
        AGENT,
        /** Decisions, with an API key. */
        CLIENT
    }

    /** Whether this caller may file a report for {@code serverId}. */
    public boolean mayReportFor(String serverId) {
        return (role == Role.ADMIN || role == Role.AGENT) && servers != null && servers.matches(serverId);
    }
}
