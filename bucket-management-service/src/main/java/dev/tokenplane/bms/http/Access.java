package dev.tokenplane.bms.http;

/** Who may call a route. */
public enum Access {
    /** Anyone (health, metrics, the OpenAPI document). */
    PUBLIC,
    /** {@code Authorization: Bearer <admin token>}: configuration and reads of rules, buckets and agents. */
    ADMIN,
    /** The agent token or the admin token: agent reports. */
    AGENT,
    /** An API key in {@code X-Api-Key} when API keys are configured; otherwise anyone. */
    DECISION
}
