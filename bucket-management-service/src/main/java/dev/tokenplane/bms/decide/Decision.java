package dev.tokenplane.bms.decide;

/**
 * The answer to one acquire, granted or not (the contract's decision body).
 *
 * @param key             the bucket key
 * @param granted         whether the tokens were granted (always true under a shadow rule)
 * @param tokens          tokens asked for
 * @param remaining       whole tokens left in the bucket after the decision
 * @param capacity        the bucket's capacity
 * @param refillPerSecond the bucket's refill, tokens per second
 * @param waitMs          &gt; 0 only for a granted reservation the caller must wait for
 * @param retryAfterMs    &gt; 0 only for a denial: the time until the tokens could be granted
 * @param borrowed        tokens that the transfer protocol supplied for this grant
 * @param ruleId          the rule serving the key
 * @param shadow          present (true) only under a shadow rule
 * @param shadowDenied    present only under a shadow rule: whether the rule would have denied
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
        long borrowed,
        String ruleId,
        Boolean shadow,
        Boolean shadowDenied) {}
