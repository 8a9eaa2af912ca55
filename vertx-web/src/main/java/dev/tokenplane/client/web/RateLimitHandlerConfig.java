package dev.tokenplane.client.web;

import dev.tokenplane.store.Priority;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The settings of a {@link RateLimitHandler}; made by a {@link RateLimitHandlerBuilder}.
 *
 * @param keyResolver     the request's bucket key; null means the request is not limited
 * @param tokens          tokens one request costs
 * @param policyName      the policy name in the RateLimit headers
 * @param maxDelay        delay mode: how long a request may wait for its tokens instead of a 429; zero turns it off
 * @param latencyAgentUrl where request latencies go (the load agent's intake), or null for nowhere
 * @param failOpen        whether a request is let through when the client fails with an error other than a denial
 *                        (no rule for the key, a wrong API key); otherwise it gets a 503
 * @param forwardApiKey   whether each request's {@code X-Api-Key} goes to the BMS with its decision (the BMS checks
 *                        it, a request with an unknown one gets 401, and {@code {client}} in a key stands for its
 *                        client id); otherwise decisions carry the client's own API key
 * @param alsoKeyResolvers more buckets every request is checked against, with {@code keyResolver}'s, all or nothing
 *                        in one atomic call (per client, per route, per IP...); a resolver answering null is left out
 */
public record RateLimitHandlerConfig(
        Function<RoutingContext, String> keyResolver,
        ToLongFunction<RoutingContext> tokens,
        String policyName,
        Duration maxDelay,
        URI latencyAgentUrl,
        boolean failOpen,
        boolean forwardApiKey,
        List<Function<RoutingContext, String>> alsoKeyResolvers,
        Function<RoutingContext, Priority> priorityResolver) {
    public static final String DEFAULT_POLICY_NAME = "default";

    public RateLimitHandlerConfig {
        alsoKeyResolvers = List.copyOf(alsoKeyResolvers);
        Objects.requireNonNull(priorityResolver, "priorityResolver");
    }

    /** A config whose priority comes from the {@code X-Priority} header ({@link PriorityResolvers#header()}). */
    public RateLimitHandlerConfig(
            Function<RoutingContext, String> keyResolver,
            ToLongFunction<RoutingContext> tokens,
            String policyName,
            Duration maxDelay,
            URI latencyAgentUrl,
            boolean failOpen,
            boolean forwardApiKey,
            List<Function<RoutingContext, String>> alsoKeyResolvers) {
        this(
                keyResolver,
                tokens,
                policyName,
                maxDelay,
                latencyAgentUrl,
                failOpen,
                forwardApiKey,
                alsoKeyResolvers,
                PriorityResolvers.header());
    }

    /** The settings with one bucket per request. */
    public RateLimitHandlerConfig(
            Function<RoutingContext, String> keyResolver,
            ToLongFunction<RoutingContext> tokens,
            String policyName,
            Duration maxDelay,
            URI latencyAgentUrl,
            boolean failOpen,
            boolean forwardApiKey) {
        this(keyResolver, tokens, policyName, maxDelay, latencyAgentUrl, failOpen, forwardApiKey, List.of());
    }

    /** The settings without forwarding API keys. */
    public RateLimitHandlerConfig(
            Function<RoutingContext, String> keyResolver,
            ToLongFunction<RoutingContext> tokens,
            String policyName,
            Duration maxDelay,
            URI latencyAgentUrl,
            boolean failOpen) {
        this(keyResolver, tokens, policyName, maxDelay, latencyAgentUrl, failOpen, false);
    }

    /** Key by peer IP ({@code ip:<address>}), 1 token, policy {@code "default"}, no delay, latency to the agent. */
    public static RateLimitHandlerConfig ofDefaults() {
        return new RateLimitHandlerConfig(
                KeyResolvers.ip("ip:"),
                ctx -> 1,
                DEFAULT_POLICY_NAME,
                Duration.ZERO,
                AgentLatencyReporter.DEFAULT_URL,
                true);
    }
}
