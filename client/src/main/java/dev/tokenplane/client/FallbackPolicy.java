package dev.tokenplane.client;

/**
 * What the client decides while no BMS can be reached (the seed design: "the host leaves the group and throttles
 * independently"). The client keeps probing the BMS with backoff and goes back to it by itself when one answers.
 */
public enum FallbackPolicy {
    /**
     * A local bucket per key at the capacity and refill the BMS last reported for that key (times the configured
     * share), in a {@code LocalBucketStore}. A key the client never saw a decision for uses the configured default
     * limit, or is admitted when there is none.
     */
    LOCAL,
    /** Admit everything. */
    FAIL_OPEN,
    /** Deny everything, with {@code retryAfterMs} = the time until the next probe of the BMS. */
    FAIL_CLOSED
}
