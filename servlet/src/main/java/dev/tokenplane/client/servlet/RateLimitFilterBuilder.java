package dev.tokenplane.client.servlet;

import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.http.MiddlewareSettings;
import dev.tokenplane.store.Priority;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/** Builds a {@link RateLimitFilter}; every setter checks its value. */
public final class RateLimitFilterBuilder {
    final RateLimiterClient client;
    Function<HttpServletRequest, String> keyResolver = ServletKeyResolvers.ip("ip:");
    final List<Function<HttpServletRequest, String>> alsoKeyResolvers = new ArrayList<>();
    ToLongFunction<HttpServletRequest> tokens = request -> 1;
    String policyName = "default";
    Duration maxDelay = Duration.ZERO;
    boolean failOpen = true;
    boolean forwardApiKey;
    Function<HttpServletRequest, Priority> priorityResolver = ServletPriorityResolvers.header();

    RateLimitFilterBuilder(RateLimiterClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * The request's bucket key (see {@link ServletKeyResolvers}; by default the peer's IP under {@code ip:}); null
     * from it lets the request through unlimited.
     */
    public RateLimitFilterBuilder keyResolver(Function<HttpServletRequest, String> resolver) {
        this.keyResolver = Objects.requireNonNull(resolver, "keyResolver");
        return this;
    }

    /**
     * Checks every request against one more bucket, besides {@link #keyResolver}'s: all of its buckets in one atomic
     * call, so a request takes a token from each or from none. A resolver that answers null leaves its bucket out.
     */
    public RateLimitFilterBuilder alsoKeyResolver(Function<HttpServletRequest, String> resolver) {
        alsoKeyResolvers.add(Objects.requireNonNull(resolver, "alsoKeyResolver"));
        return this;
    }

    /** Tokens one request costs; the function must answer at least 1. */
    public RateLimitFilterBuilder tokens(ToLongFunction<HttpServletRequest> cost) {
        this.tokens = Objects.requireNonNull(cost, "tokens");
        return this;
    }

    /** The policy name in the RateLimit headers: printable ASCII, 1..64 characters. */
    public RateLimitFilterBuilder policyName(String name) {
        this.policyName = MiddlewareSettings.policyName(name);
        return this;
    }

    /**
     * Delay mode: a request may wait up to {@code maxDelay} (in [0, 1 h]) for its tokens instead of a 429. The
     * request's thread waits.
     */
    public RateLimitFilterBuilder delayMode(Duration maxDelay) {
        this.maxDelay = MiddlewareSettings.maxDelay(maxDelay);
        return this;
    }

    /** Whether a request passes when the client fails with an error other than a denial (default true). */
    public RateLimitFilterBuilder failOpen(boolean open) {
        this.failOpen = open;
        return this;
    }

    /**
     * Sends each request's {@code X-Api-Key} to the BMS with its decision, in place of the client's own key: the BMS
     * checks it (a request with an unknown one gets {@code 401}) and fills {@code {client}} in the bucket key (see
     * {@link ServletKeyResolvers#perClient}).
     */
    public RateLimitFilterBuilder forwardApiKey() {
        this.forwardApiKey = true;
        return this;
    }

    /**
     * The class each request's tokens are asked in (see {@link ServletPriorityResolvers}); by default the
     * {@code X-Priority} header, {@code normal} when absent or unknown. Under pressure the BMS denies lower classes
     * first. The header is the caller's to choose: for untrusted callers use {@link ServletPriorityResolvers#fixed} or
     * resolve it from something they cannot set.
     */
    public RateLimitFilterBuilder priorityResolver(Function<HttpServletRequest, Priority> resolver) {
        this.priorityResolver = Objects.requireNonNull(resolver, "priorityResolver");
        return this;
    }

    public RateLimitFilter build() {
        return new RateLimitFilter(this);
    }
}
