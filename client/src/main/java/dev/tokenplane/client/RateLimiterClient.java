package dev.tokenplane.client;

import dev.tokenplane.store.Priority;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Asks a BMS cluster for tokens over pooled keep-alive HTTP connections ({@code java.net.http}, no Vert.x), failing
 * over between BMS URLs. Two ways to call it, side by side:
 *
 * <ul>
 *   <li><b>Blocking</b>, like Bucket4j's {@code tryConsume} or Guava's {@code tryAcquire}: {@link #tryAcquire(String)}
 *       answers at once; {@link #acquire(String, long, Duration)} waits up to a timeout, sleeping for the BMS's
 *       {@code retryAfter} between tries.</li>
 *   <li><b>Asynchronous</b>: {@link #acquireAsync} answers a {@link CompletionStage} of a {@link Decision}, granted or
 *       denied (with its {@link Decision#retryAfter()}); {@link #acquireBatchAsync} and {@link #acquireAllAsync} send
 *       many decisions in one HTTP call.</li>
 * </ul>
 *
 * The BMS refusing a request as asked (no rule, a value out of range, a wrong API key) is a {@link RateLimitException}
 * (thrown by the blocking calls, failing the stage of the asynchronous ones).
 *
 * <ul>
 *   <li><b>Timeouts and retries.</b> A decision answers within {@link RateLimiterClientConfig#timeout()}. Transport
 *       errors and 5xx answers are retried on the next URL, each retry after a full-jitter delay whose ceiling grows
 *       exponentially with each round of the URLs.</li>
 *   <li><b>Fallback.</b> When no BMS answers in time, the {@link FallbackPolicy} decides, and keeps deciding while a
 *       background probe (with backoff) waits for a BMS to come back; then the client returns to it by itself.</li>
 *   <li><b>Leases</b> (optional, per key): the client takes tokens from the bucket in blocks sized from the rate it
 *       sees (each block a lease the BMS records), answers from them locally, and gives back what it did not use
 *       when the lease ends, naming the lease. Leasing never lets the bucket's limit be exceeded.</li>
 *   <li><b>Delay mode</b>: {@link #acquireAsync(String, long, Duration)} with a {@code maxWait} holds a request that
 *       cannot be granted now in a bounded queue (a timer, no thread), resends it when it can succeed, and completes
 *       it then.</li>
 *   <li><b>Events</b>: {@link #eventPublisher()} tells of every grant, denial, fallback switch, error and lease.</li>
 * </ul>
 *
 * <p>Thread-safe. The stages complete on the thread that got the answer (an HTTP client thread, the decision
 * connection's single reader thread, the client's timer, or at once for decisions made locally): do not block in
 * their callbacks, or give the client a {@link RateLimiterClientBuilder#callbackExecutor} to complete them on. Event
 * consumers never run on those threads ({@link RateLimiterEventPublisher}).
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

    // ---- blocking ----

    /** Whether one token of {@code key} is granted now; blocks at most the client's timeout, never waits for tokens. */
    default boolean tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /** Whether {@code tokens} tokens of {@code key} are granted now (no waiting for tokens). */
    default boolean tryAcquire(String key, long tokens) {
        return await(acquireAsync(key, tokens, Duration.ZERO)).granted();
    }

    /**
     * {@code tokens} tokens of {@code key}, waiting up to {@code timeout} for them: the calling thread sleeps for the
     * BMS's {@code retryAfter} (or holds a BMS reservation) and tries again while the tokens can come in time.
     *
     * @param timeout how long to wait for the tokens, in [0, 1 h]
     * @return the decision: granted, or denied when the tokens cannot come within {@code timeout}
     * @throws RateLimitException when the BMS refuses the request as asked
     */
    default Decision acquire(String key, long tokens, Duration timeout) {
        return await(acquireAsync(key, tokens, timeout));
    }

    // ---- asynchronous ----

    /** One token from {@code key}, no waiting. */
    default CompletionStage<Decision> acquireAsync(String key) {
        return acquireAsync(key, 1, Duration.ZERO);
    }

    /** {@code tokens} tokens from {@code key}, no waiting. */
    default CompletionStage<Decision> acquireAsync(String key, long tokens) {
        return acquireAsync(key, tokens, Duration.ZERO);
    }

    /**
     * {@code tokens} tokens from {@code key}; in delay mode ({@code maxWait} &gt; 0) a request that can be granted
     * within {@code maxWait} waits for it (without blocking a thread) instead of being denied, as long as the delay
     * queue has room.
     *
     * @param maxWait how long the request may wait, in [0, 1 h]
     */
    CompletionStage<Decision> acquireAsync(String key, long tokens, Duration maxWait);

    /**
     * {@link #acquireAsync(String, long, Duration)} in class {@code priority}: under pressure the BMS denies lower
     * classes first, keeping a reserved share of each bucket for the classes above them ({@code priority} on the wire;
     * {@link Priority#NORMAL} is what the other methods send). Keys served from leases, and the local fallback while no
     * BMS answers, decide without priority.
     */
    CompletionStage<Decision> acquireAsync(String key, long tokens, Duration maxWait, Priority priority);

    /** {@link #acquire(String, long, Duration)} in class {@code priority}, blocking. */
    default Decision acquire(String key, long tokens, Duration timeout, Priority priority) {
        return await(acquireAsync(key, tokens, timeout, priority));
    }

    /**
     * {@link #acquireAsync(String, long, Duration)} on behalf of a caller whose API key is {@code apiKey}: it goes to
     * the BMS as {@code X-Api-Key} with this request only, in place of the client's own key. The BMS checks it (an
     * unknown key fails with {@link UnauthorizedException}, it gets no bucket) and serves the key's client:
     * {@code {client}} rules, and {@code {client}} in {@code key}, which the BMS replaces with the client id. So a
     * middleware can limit each of its callers without ever putting their secret into a bucket key. Such decisions
     * never use leases (a lease belongs to one API key); while no BMS answers, the fallback keeps each API key's buckets
     * apart.
     *
     * @param apiKey the caller's API key, visible ASCII; never logged
     */
    CompletionStage<Decision> acquireWithApiKeyAsync(String apiKey, String key, long tokens, Duration maxWait);

    /** {@link #acquireWithApiKeyAsync(String, String, long, Duration)} in class {@code priority}. */
    CompletionStage<Decision> acquireWithApiKeyAsync(
            String apiKey, String key, long tokens, Duration maxWait, Priority priority);

    /**
     * Many decisions in one HTTP call (one per 1000 items or 60 KB of body, the BMS's limits), results in request
     * order. Batches go to the BMS even for leased keys, and the client does not hold them: an item's
     * {@code maxWaitMs} lets the BMS reserve, and its {@code waitMs} says how long the caller must wait.
     */
    CompletionStage<List<BatchResult>> acquireBatchAsync(List<AcquireRequest> requests);

    /**
     * Many decisions in one HTTP call; with {@code atomic}, all or nothing: the BMS grants every request, or gives back
     * what the others took and answers each one denied (see {@link AllResult}). At most 1000 requests. An invalid
     * request, a key without a rule or more tokens than a capacity fails the whole stage with nothing taken. While no
     * BMS answers, the fallback decides each request and the result is granted only when every one was (a fallback
     * grant is not given back: it over-denies, never over-admits). Without {@code atomic}, {@link #acquireBatchAsync}.
     *
     * @param apiKey the API key of the caller to decide for ({@link #acquireWithApiKeyAsync}), or null for the
     *               client's own
     */
    CompletionStage<AllResult> acquireAllAsync(String apiKey, List<AcquireRequest> requests, boolean atomic);

    /** {@link #acquireAllAsync(String, List, boolean)} with the client's own API key. */
    default CompletionStage<AllResult> acquireAllAsync(List<AcquireRequest> requests, boolean atomic) {
        return acquireAllAsync(null, requests, atomic);
    }

    /** {@link #acquireAllAsync(List, boolean)}, blocking. */
    default AllResult acquireAll(List<AcquireRequest> requests, boolean atomic) {
        return await(acquireAllAsync(null, requests, atomic));
    }

    // ---- state ----

    /** Subscribe here to the client's events: grants, denials, fallback switches, errors, retries and leases. */
    RateLimiterEventPublisher eventPublisher();

    /** Whether the client is deciding locally now because no BMS can be reached. */
    boolean inFallback();

    /**
     * Gives back unused leased tokens (waiting at most the timeout for the BMS), fails requests waiting in delay mode,
     * and stops the client's timers. Idempotent.
     */
    @Override
    void close();

    /** The result of {@code stage}, with its {@link RateLimitException} (or other runtime error) thrown as itself. */
    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        } catch (CancellationException e) {
            throw new IllegalStateException("the request was cancelled", e);
        }
    }
}
