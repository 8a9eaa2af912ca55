package dev.tokenplane.bms.http;

/** Who may call a route. A known credential of the wrong role gets 403 {@code forbidden}; none or a wrong one, 401. */
public enum Access {
    /** Anyone (health, metrics, the OpenAPI document). */
    PUBLIC,
    /** {@code Authorization: Bearer <admin token>}: writes of configuration (rules, overrides, pool settings). */
    ADMIN,
    /** The admin token or the read-only token ({@code BMS_READ_TOKEN}): reads of rules, buckets, agents, pools, audit. */
    READ,
    /** An agent token or the admin token: agent reports (an agent token only for the servers it is bound to). */
    AGENT,
    /** An API key in {@code X-Api-Key} when API keys are configured; otherwise anyone. */
    DECISION
}
