package dev.tokenplane.client;

import java.time.Duration;

/**
 * The answer to one acquire, granted or not: the BMS contract's decision body, plus who decided.
 *
 * @param key             the bucket key
 * @param granted         whether the tokens were granted
 * @param tokens          tokens asked for
 * @param remaining       whole tokens left after the decision, as far as the decider knows (0 when unknown)
 * @param capacity        the bucket's capacity in tokens (0 when unknown: a fail-open or fail-closed decision for a
 *                        key the client never saw)
 * @param refillPerSecond the bucket's refill in tokens per second (0 when unknown)
 * @param waitMs          for a grant in delay mode: how long the client held the request before answering it; in a
 *                        batch, the BMS's reservation wait the caller must still observe before using the tokens
 * @param retryAfterMs    &gt; 0 only for a denial: milliseconds until the same request could be granted
 * @param ruleId          the rule serving the key, or null when no BMS decision has been seen for it
 * @param source          who decided
 */
public record Decision(
        String key,
        boolean granted,
        long tokens,
        long remaining,
        long capacity,
        double refillPerSecond,
        long waitMs,
        long retryAfterMs,
        String ruleId,
        DecisionSource source) {

    /** For a denial: how long until the same request could be granted ({@link Duration#ZERO} for a grant). */
    public Duration retryAfter() {
        return Duration.ofMillis(retryAfterMs);
    }

    /** {@link #waitMs()} as a duration. */
    public Duration waitTime() {
        return Duration.ofMillis(waitMs);
    }

    /** This decision as {@code source} decided it. */
    public Decision withSource(DecisionSource newSource) {
        return new Decision(
                key, granted, tokens, remaining, capacity, refillPerSecond, waitMs, retryAfterMs, ruleId, newSource);
    }

    /** This grant, after the client held it {@code heldMs} in delay mode. */
    public Decision withWaitMs(long heldMs) {
        return new Decision(
                key, granted, tokens, remaining, capacity, refillPerSecond, heldMs, retryAfterMs, ruleId, source);
    }
}
