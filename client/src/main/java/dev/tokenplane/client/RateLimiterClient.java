package dev.tokenplane.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Asks a BMS cluster for tokens: non-blocking, over pooled keep-alive HTTP connections, failing over between BMS URLs.
 *
 * <ul>
 *   <li><b>Decisions.</b> {@link #acquire} answers a {@link Decision}, granted or denied (with {@code retryAfterMs}).
 *       The BMS refusing the request as asked (no rule, a value out of range, a wrong API key) fails the stage with a
 *       {@link RateLimitException}. {@link #acquireBatch} sends many decisions in one HTTP call.</li>
 *   <li><b>Timeouts and retries.</b> A decision answers within {@link RateLimiterClientConfig#timeout()}. Transport
 *       errors and 5xx answers are retried on the next URL, each retry after a full-jitter delay whose ceiling grows
 *       exponentially with each round of the URLs.</li>
 *   <li><b>Fallback.</b> When no BMS answers in time, the {@link FallbackPolicy} decides, and keeps deciding while a
 *       background probe (with backoff) waits for a BMS to come back; then the client returns to it by itself.</li>
 *   <li><b>Leases</b> (optional, per key): the client takes tokens from the bucket in blocks sized from the rate it
 *       sees (each block a lease the BMS records), answers from them locally, and gives back what it did not use
 *       when the lease ends, naming the lease. Leased tokens are taken from the bucket, and the BMS takes back at most
 *       what a lease took, once, so leasing never lets the bucket's limit be exceeded.</li>
 *   <li><b>Delay mode</b>: {@link #acquire(String, long, Duration)} with a {@code maxWait} holds a request that
 *       cannot be granted now (a BMS reservation, or a denial with a short {@code retryAfter}) in a bounded queue,
 *       resends it when it can succeed, and completes it then.</li>
 * </ul>
 *
 * <p>Thread-safe. The stages complete on Vert.x event-loop threads (or at once, for decisions made locally): do not
 * block in their callbacks.
 */
public interface RateLimiterClient extends AutoCloseable {

    /** A builder, starting from {@link RateLimiterClientConfig#ofDefaults()}. */
    static RateLimiterClientBuilder builder() {
        return new RateLimiterClientBuilder(RateLimiterClientConfig.ofDefaults());
    }

    /** A client with the defaults, on these BMS URLs. */
    static RateLimiterClient of(String... bmsUrls) {
        return builder().bmsUrls(bmsUrls).build();
    }

    /** One token from {@code key}, no waiting. */
    default CompletionStage<Decision> acquire(String key) {
        return acquire(key, 1, Duration.ZERO);
    }

    /** {@code tokens} tokens from {@code key}, no waiting. */
    default CompletionStage<Decision> acquire(String key, long tokens) {
        return acquire(key, tokens, Duration.ZERO);
    }

    /**
     * {@code tokens} tokens from {@code key}; in delay mode ({@code maxWait} &gt; 0) a request that can be granted
     * within {@code maxWait} waits for it (without blocking a thread) instead of being denied, as long as the delay
     * queue has room.
     *
     * @param maxWait how long the request may wait, in [0, 1 h]
     */
    CompletionStage<Decision> acquire(String key, long tokens, Duration maxWait);

    /**
     * {@link #acquire(String, long, Duration)} on behalf of a caller whose API key is {@code apiKey}: it goes to the
     * BMS as {@code X-Api-Key} with this request only, in place of the client's own key. The BMS checks it (an unknown
     * key fails with {@link UnauthorizedException}, it gets no bucket) and serves the key's client: {@code {client}}
     * rules, and {@code {client}} in {@code key}, which the BMS replaces with the client id. So a middleware can limit
     * each of its callers without ever putting their secret into a bucket key. Such decisions never use leases (a
     * lease belongs to one API key); while no BMS answers, the fallback keeps each API key's buckets apart.
     *
     * @param apiKey the caller's API key, visible ASCII; never logged
     */
    default CompletionStage<Decision> acquireWithApiKey(String apiKey, String key, long tokens, Duration maxWait) {
        throw new UnsupportedOperationException("this client cannot forward API keys");
    }

    /**
     * Many decisions in one HTTP call (one per 1000 items or 60 KB of body, the BMS's limits), results in request
     * order. Batches go to the BMS even for leased keys, and the client does not hold them: an item's
     * {@code maxWaitMs} lets the BMS reserve, and its {@code waitMs} says how long the caller must wait.
     */
    CompletionStage<List<BatchResult>> acquireBatch(List<AcquireRequest> requests);

    /**
     * Many decisions in one HTTP call; with {@code atomic}, all or nothing: the BMS grants every request, or gives back
     * what the others took and answers each one denied (see {@link AllResult}). At most 1000 requests. An invalid
     * request, a key without a rule or more tokens than a capacity fails the whole stage with nothing taken. While no
     * BMS answers, the fallback decides each request and the result is granted only when every one was (a fallback
     * grant is not given back: it over-denies, never over-admits). Without {@code atomic}, {@link #acquireBatch}.
     *
     * @param apiKey the API key of the caller to decide for ({@link #acquireWithApiKey}), or null for the client's own
     */
    default CompletionStage<AllResult> acquireAll(String apiKey, List<AcquireRequest> requests, boolean atomic) {
        throw new UnsupportedOperationException("this client cannot decide atomically");
    }

    /** {@link #acquireAll(String, List, boolean)} with the client's own API key. */
    default CompletionStage<AllResult> acquireAll(List<AcquireRequest> requests, boolean atomic) {
        return acquireAll(null, requests, atomic);
    }

    /** Whether the client is deciding locally now because no BMS can be reached. */
    boolean inFallback();

    /**
     * Gives back unused leased tokens (waiting at most the timeout for the BMS), stops probes and timers, closes the
     * connections, and closes the Vert.x instance if the client made it. Idempotent.
     */
    @Override
    void close();
}
