package dev.tokenplane.client.servlet;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.UnauthorizedException;
import dev.tokenplane.client.http.BucketKeys;
import dev.tokenplane.client.http.RateLimitHeaders;
import dev.tokenplane.client.http.RateLimitResponses;
import dev.tokenplane.store.Priority;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Jakarta Servlet (6.0) filter that asks a {@link RateLimiterClient} for each request's tokens, as the Vert.x Web
 * middleware does:
 *
 * <ul>
 *   <li>Granted: the request goes on down the chain, with {@code RateLimit-Policy} and {@code RateLimit} headers.</li>
 *   <li>Denied: {@code 429} with {@code Retry-After} (seconds), the same headers, and
 *       {@code {"error":"rate_limited","message":...,"retryAfterMs":n}}.</li>
 *   <li>Several buckets ({@link RateLimitFilterBuilder#alsoKeyResolver}): one atomic call, all or nothing.</li>
 *   <li>Delay mode: the request's thread waits for its tokens up to the delay.</li>
 * </ul>
 *
 * <pre>{@code
 * RateLimitFilter filter = RateLimitFilter.builder(client)
 *         .keyResolver(ServletKeyResolvers.header("X-Client-Id", "free:"))
 *         .alsoKeyResolver(ServletKeyResolvers.path("route:"))
 *         .build();
 * context.addFilter(new FilterHolder(filter), "/api/*", EnumSet.of(DispatcherType.REQUEST));   // Jetty
 * }</pre>
 *
 * Blocking (the servlet thread waits for the decision, at most the client's timeout plus the delay); thread-safe.
 * The client is the caller's to close.
 */
public final class RateLimitFilter implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitFilter.class);

    private final RateLimiterClient client;
    private final Function<HttpServletRequest, String> keyResolver;
    private final List<Function<HttpServletRequest, String>> alsoKeyResolvers;
    private final ToLongFunction<HttpServletRequest> tokens;
    private final String policyName;
    private final Duration maxDelay;
    private final boolean failOpen;
    private final boolean forwardApiKey;
    private final Function<HttpServletRequest, Priority> priorityResolver;
    private final AtomicBoolean warned = new AtomicBoolean();

    RateLimitFilter(RateLimitFilterBuilder b) {
        this.client = b.client;
        this.keyResolver = b.keyResolver;
        this.alsoKeyResolvers = List.copyOf(b.alsoKeyResolvers);
        this.tokens = b.tokens;
        this.policyName = b.policyName;
        this.maxDelay = b.maxDelay;
        this.failOpen = b.failOpen;
        this.forwardApiKey = b.forwardApiKey;
        this.priorityResolver = b.priorityResolver;
    }

    public static RateLimitFilterBuilder builder(RateLimiterClient client) {
        return new RateLimitFilterBuilder(client);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        List<String> keys = new ArrayList<>(1 + alsoKeyResolvers.size());
        addIfPresent(keys, keyResolver.apply(request));
        alsoKeyResolvers.forEach(r -> addIfPresent(keys, r.apply(request)));
        if (keys.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        Decision d;
        try {
            d = decide(request, keys);
        } catch (RuntimeException e) {
            failed(request, response, chain, e);
            return;
        }
        RateLimitHeaders.Values h = RateLimitHeaders.of(policyName, d);
        if (h != null && h.policy() != null) {
            response.setHeader(RateLimitHeaders.POLICY, h.policy());
            response.setHeader(RateLimitHeaders.RATE_LIMIT, h.rateLimit());
        }
        if (d.granted()) {
            chain.doFilter(request, response);
            return;
        }
        response.setHeader(RateLimitHeaders.RETRY_AFTER, h.retryAfter());
        answer(response, 429, RateLimitResponses.rateLimited(d, h.retryAfter()));
    }

    private Decision decide(HttpServletRequest request, List<String> keys) {
        long cost = tokens.applyAsLong(request);
        String apiKey = forwardApiKey ? request.getHeader(BucketKeys.API_KEY_HEADER) : null;
        Priority resolved = priorityResolver.apply(request);
        Priority priority = resolved == null ? Priority.DEFAULT : resolved;
        if (keys.size() > 1) {
            List<AcquireRequest> requests = keys.stream()
                    .map(k -> AcquireRequest.of(k, cost, maxDelay).withPriority(priority))
                    .toList();
            return RateLimitResponses.binding(await(client.acquireAllAsync(apiKey, requests, true)));
        }
        return apiKey == null
                ? client.acquire(keys.get(0), cost, maxDelay, priority)
                : await(client.acquireWithApiKeyAsync(apiKey, keys.get(0), cost, maxDelay, priority));
    }

    private void failed(
            HttpServletRequest request, HttpServletResponse response, FilterChain chain, RuntimeException error)
            throws IOException, ServletException {
        if (forwardApiKey && error instanceof UnauthorizedException) {
            // the caller's own API key is unknown to the BMS (or it sent none where one is needed): its answer
            answer(response, 401, RateLimitResponses.unauthorized());
            return;
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "Rate limiting failed ({}); requests {} while it does",
                    error.toString(),
                    failOpen ? "pass" : "get 503");
        } else {
            LOG.debug("Rate limiting failed: {}", error.toString());
        }
        if (failOpen) {
            chain.doFilter(request, response);
        } else {
            answer(response, 503, RateLimitResponses.unavailable());
        }
    }

    private static void answer(HttpServletResponse response, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(RateLimitResponses.CONTENT_TYPE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static void addIfPresent(List<String> keys, String key) {
        if (key != null) {
            keys.add(key);
        }
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}
