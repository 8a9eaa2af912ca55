package dev.tokenplane.client.web;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.http.MiddlewareSettings;
import dev.tokenplane.store.Priority;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Builds a {@link RateLimitHandler}; every setter checks its value. */
public final class RateLimitHandlerBuilder {
    private final RateLimiterClient client;
    private Function<RoutingContext, String> keyResolver;
    private final List<Function<RoutingContext, String>> alsoKeyResolvers = new ArrayList<>();
    private ToLongFunction<RoutingContext> tokens;
    private String policyName;
    private Duration maxDelay;
    private URI latencyAgentUrl;
    private boolean failOpen;
    private boolean forwardApiKey;
    private Function<RoutingContext, Priority> priorityResolver;

    RateLimitHandlerBuilder(RateLimiterClient client, RateLimitHandlerConfig base) {
        this.client = Objects.requireNonNull(client, "client");
        this.keyResolver = base.keyResolver();
        this.alsoKeyResolvers.addAll(base.alsoKeyResolvers());
        this.tokens = base.tokens();
        this.policyName = base.policyName();
        this.maxDelay = base.maxDelay();
        this.latencyAgentUrl = base.latencyAgentUrl();
        this.failOpen = base.failOpen();
        this.forwardApiKey = base.forwardApiKey();
        this.priorityResolver = base.priorityResolver();
    }

    /**
     * The class each request's tokens are asked in (see {@link PriorityResolvers}); by default the {@code X-Priority}
     * header, {@code normal} when absent or unknown. Under pressure the BMS denies lower classes first. The header is
     * the caller's to choose: for untrusted callers use {@link PriorityResolvers#fixed} or resolve it from something
     * they cannot set.
     */
    public RateLimitHandlerBuilder priorityResolver(Function<RoutingContext, Priority> resolver) {
        this.priorityResolver = Objects.requireNonNull(resolver, "priorityResolver");
        return this;
    }

    /** The request's bucket key (see {@link KeyResolvers}); null from it lets the request through unlimited. */
    public RateLimitHandlerBuilder keyResolver(Function<RoutingContext, String> resolver) {
        this.keyResolver = Objects.requireNonNull(resolver, "keyResolver");
        return this;
    }

    /** Tokens one request costs (for example by route weight); the function must answer at least 1. */
    public RateLimitHandlerBuilder tokens(ToLongFunction<RoutingContext> cost) {
        this.tokens = Objects.requireNonNull(cost, "tokens");
        return this;
    }

    /** The policy name in the RateLimit headers: printable ASCII, 1..64 characters. */
    public RateLimitHandlerBuilder policyName(String name) {
        this.policyName = MiddlewareSettings.policyName(name);
        return this;
    }

    /** Delay mode: a request may wait up to {@code maxDelay} (in [0, 1 h]) for its tokens instead of a 429. */
    public RateLimitHandlerBuilder delayMode(Duration maxDelay) {
        this.maxDelay = MiddlewareSettings.maxDelay(maxDelay);
        return this;
    }

    /** Where request latencies go (the load agent's intake); null to report none. */
    public RateLimitHandlerBuilder latencyAgentUrl(URI url) {
        if (url != null && (!"http".equals(url.getScheme()) || url.getHost() == null)) {
            throw new IllegalArgumentException("latencyAgentUrl must be an http:// URL, was " + url);
        }
        this.latencyAgentUrl = url;
        return this;
    }

    /** Whether a request passes when the client fails with an error other than a denial (default true). */
    public RateLimitHandlerBuilder failOpen(boolean open) {
        this.failOpen = open;
        return this;
    }

    /**
     * Sends each request's {@code X-Api-Key} to the BMS with its decision, in place of the client's own key (a
     * request without one is decided with the client's). The BMS checks the key: a request with an unknown one gets
     * {@code 401} here, and no bucket. Pair it with a key that names {@code {client}} (see
     * {@link KeyResolvers#perClient}), which the BMS replaces with the API key's client id, or with {@code {client}}
     * rules: each client then has its own bucket, and no secret is ever part of a bucket key.
     */
    public RateLimitHandlerBuilder forwardApiKey() {
        this.forwardApiKey = true;
        return this;
    }

    /**
     * Checks every request against one more bucket, besides {@link #keyResolver}'s: all of its buckets in one atomic
     * call, so a request either takes a token from each (a client limit and a route limit, say) or from none, and a
     * denial by one bucket costs the others nothing. A resolver that answers null leaves its bucket out.
     */
    public RateLimitHandlerBuilder alsoKeyResolver(Function<RoutingContext, String> resolver) {
        alsoKeyResolvers.add(Objects.requireNonNull(resolver, "alsoKeyResolver"));
        return this;
    }

    public RateLimitHandlerConfig buildConfig() {
        return new RateLimitHandlerConfig(
                keyResolver,
                tokens,
                policyName,
                maxDelay,
                latencyAgentUrl,
                failOpen,
                forwardApiKey,
                alsoKeyResolvers,
                priorityResolver);
    }

    public RateLimitHandler build() {
        return new RateLimitHandler(client, buildConfig());
    }
}
