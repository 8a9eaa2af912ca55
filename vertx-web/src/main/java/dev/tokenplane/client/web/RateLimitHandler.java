package dev.tokenplane.client.web;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.UnauthorizedException;
import dev.tokenplane.client.http.RateLimitHeaders;
import dev.tokenplane.client.http.RateLimitResponses;
import dev.tokenplane.store.Priority;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x Web middleware that asks a {@link RateLimiterClient} for each request's tokens.
 *
 * <ul>
 *   <li>Granted: the request goes on ({@code ctx.next()}), with {@code RateLimit-Policy} and {@code RateLimit} headers
 *       (see {@link RateLimitHeaders} for the draft followed).</li>
 *   <li>Denied: {@code 429} with {@code Retry-After} (seconds), the same headers, and
 *       {@code {"error":"rate_limited","message":...,"retryAfterMs":n}}.</li>
 *   <li>Delay mode ({@link RateLimitHandlerBuilder#delayMode}): a request that can get its tokens within the delay
 *       waits for them, without blocking the event loop, and then goes on.</li>
 *   <li>Each request's tokens are asked in the class its priority resolver gives ({@link PriorityResolvers}; the
 *       {@code X-Priority} header by default): under pressure lower classes are denied first.</li>
 *   <li>The latency of every request (from this handler to the end of its response) goes to the load agent's intake,
 *       batched and fire-and-forget ({@link AgentLatencyReporter}).</li>
 * </ul>
 *
 * <pre>{@code
 * router.route("/api/*").handler(RateLimitHandler.builder(client)
 *         .keyResolver(KeyResolvers.firstOf(KeyResolvers.apiKey("free:"), KeyResolvers.ip("free:ip-")))
 *         .build());
 * }</pre>
 *
 * Thread-safe; one handler may serve many routes and event loops.
 */
public final class RateLimitHandler implements Handler<RoutingContext>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitHandler.class);
    private static final String API_KEY = "X-Api-Key";

    private final RateLimiterClient client;
    private final RateLimitHandlerConfig config;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile AgentLatencyReporter reporter;
    private volatile boolean closed;

    RateLimitHandler(RateLimiterClient client, RateLimitHandlerConfig config) {
        this.client = client;
        this.config = config;
    }

    /** A builder from {@link RateLimitHandlerConfig#ofDefaults()}. */
    public static RateLimitHandlerBuilder builder(RateLimiterClient client) {
        return new RateLimitHandlerBuilder(client, RateLimitHandlerConfig.ofDefaults());
    }

    public RateLimitHandlerConfig config() {
        return config;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        AgentLatencyReporter latency = reporter(ctx.vertx());
        if (latency != null) {
            ctx.addEndHandler(ar -> latency.record((System.nanoTime() - start) / 1e6));
        }
        String key = config.keyResolver().apply(ctx);
        List<String> keys = new ArrayList<>(1 + config.alsoKeyResolvers().size());
        if (key != null) {
            keys.add(key);
        }
        config.alsoKeyResolvers().forEach(r -> {
            String also = r.apply(ctx);
            if (also != null) {
                keys.add(also);
            }
        });
        if (keys.isEmpty()) {
            ctx.next();
            return;
        }
        long tokens = config.tokens().applyAsLong(ctx);
        String apiKey = config.forwardApiKey() ? ctx.request().getHeader(API_KEY) : null;
        Priority resolved = config.priorityResolver().apply(ctx);
        Priority priority = resolved == null ? Priority.DEFAULT : resolved;
        if (keys.size() > 1) {
            decideAll(ctx, keys, tokens, apiKey, priority);
            return;
        }
        key = keys.get(0);
        CompletionStage<Decision> decision = apiKey == null
                ? client.acquireAsync(key, tokens, config.maxDelay(), priority)
                : client.acquireWithApiKeyAsync(apiKey, key, tokens, config.maxDelay(), priority);
        Future.fromCompletionStage(decision, Vertx.currentContext()).onComplete(ar -> {
            if (ar.failed()) {
                failed(ctx, ar.cause());
            } else {
                decided(ctx, ar.result());
            }
        });
    }

    /** Every bucket at once, all or nothing; the answer's headers are the binding bucket's. */
    private void decideAll(RoutingContext ctx, List<String> keys, long tokens, String apiKey, Priority priority) {
        long maxWaitMs = config.maxDelay().toMillis();
        List<AcquireRequest> requests = keys.stream()
                .map(k -> new AcquireRequest(k, tokens, maxWaitMs, priority))
                .toList();
        Future.fromCompletionStage(client.acquireAllAsync(apiKey, requests, true), Vertx.currentContext())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        failed(ctx, ar.cause());
                    } else {
                        decided(ctx, RateLimitResponses.binding(ar.result()));
                    }
                });
    }

    private void decided(RoutingContext ctx, Decision d) {
        RateLimitHeaders.Values h = RateLimitHeaders.of(config.policyName(), d);
        if (h != null && h.policy() != null) {
            ctx.response()
                    .putHeader(RateLimitHeaders.POLICY, h.policy())
                    .putHeader(RateLimitHeaders.RATE_LIMIT, h.rateLimit());
        }
        if (d.granted()) {
            ctx.next();
            return;
        }
        ctx.response()
                .setStatusCode(429)
                .putHeader(RateLimitHeaders.RETRY_AFTER, h.retryAfter())
                .putHeader("Content-Type", RateLimitResponses.CONTENT_TYPE)
                .end(RateLimitResponses.rateLimited(d, h.retryAfter()));
    }

    private void failed(RoutingContext ctx, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (config.forwardApiKey() && cause instanceof UnauthorizedException) {
            // the caller's own API key is unknown to the BMS (or it sent none where one is needed): its answer
            ctx.response()
                    .setStatusCode(401)
                    .putHeader("Content-Type", RateLimitResponses.CONTENT_TYPE)
                    .end(RateLimitResponses.unauthorized());
            return;
        }
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "Rate limiting failed ({}); requests {} while it does",
                    error.toString(),
                    config.failOpen() ? "pass" : "get 503");
        } else {
            LOG.debug("Rate limiting failed: {}", error.toString());
        }
        if (config.failOpen()) {
            ctx.next();
        } else {
            ctx.response()
                    .setStatusCode(503)
                    .putHeader("Content-Type", RateLimitResponses.CONTENT_TYPE)
                    .end(RateLimitResponses.unavailable());
        }
    }

    private AgentLatencyReporter reporter(Vertx vertx) {
        AgentLatencyReporter r = reporter;
        if (r != null || config.latencyAgentUrl() == null || closed) {
            return r;
        }
        synchronized (this) {
            if (reporter == null && !closed) {
                reporter = new AgentLatencyReporter(
                        vertx,
                        config.latencyAgentUrl(),
                        AgentLatencyReporter.DEFAULT_FLUSH_INTERVAL,
                        AgentLatencyReporter.DEFAULT_MAX_BATCH,
                        AgentLatencyReporter.DEFAULT_MAX_BUFFERED);
            }
            return reporter;
        }
    }

    /** The latency reporter, once the first request made it (null before, or when reporting is off). */
    public AgentLatencyReporter latencyReporter() {
        return reporter;
    }

    /** Stops the latency reporter (the client is the caller's to close). */
    @Override
    public void close() {
        closed = true;
        AgentLatencyReporter r = reporter;
        if (r != null) {
            r.close();
        }
    }
}
