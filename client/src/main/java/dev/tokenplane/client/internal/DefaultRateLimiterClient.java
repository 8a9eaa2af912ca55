package dev.tokenplane.client.internal;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.BatchResult;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.InvalidRequestException;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.RateLimiterClientConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The {@link RateLimiterClient}: an {@link HttpTransport} to the BMS, a {@link LeaseBook} for leased keys, a
 * {@link LocalFallback} and the {@link Availability} that switches to it, and the delay queue.
 *
 * <p>Why Vert.x {@code WebClient} rather than {@code java.net.http}: the middleware runs on Vert.x, so the client shares
 * the service's event loops (no thread of its own, callbacks on the request's context), the pool size and wait queue
 * are set per BMS URL, connections can be counted through the client's connect handler, and timers for backoff, delay
 * mode and probes are the same event loop's. {@code java.net.http} would bring its own selector thread and executor,
 * and an HTTP/1.1 pool that cannot be sized.
 */
public final class DefaultRateLimiterClient implements RateLimiterClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRateLimiterClient.class);
    private static final int MAX_KEY_LENGTH = 256;
    private static final int MAX_BATCH = 1000;
    /** Under the BMS's default body limit (64 KiB). */
    private static final long MAX_BATCH_BYTES = 60_000;
    private static final long MAX_WAIT_MS = 3_600_000;
    /** The BMS keeps a lease at most this long (its {@code ttlMs} limit). */
    private static final long MAX_LEASE_TTL_MS = 7_200_000;

    private final RateLimiterClientConfig config;
    private final Vertx vertx;
    private final boolean ownsVertx;
    private final InstantSource clock;
    private final Supplier<RandomGenerator> random;
    private final ClientMetrics metrics;
    private final HttpTransport transport;
    private final Availability availability = new Availability();
    private final LocalFallback fallback;
    private final LeaseBook leases;
    private final long timeoutMs;
    private final long leaseTtlMs;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Set<CompletableFuture<Decision>> delayed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long sweepTimer;

    public DefaultRateLimiterClient(RateLimiterClientConfig config) {
        this.config = config;
        this.ownsVertx = config.vertx() == null;
        this.vertx = ownsVertx
                ? Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1))
                : config.vertx();
        this.clock = config.clock();
        RandomGenerator seeded = config.random();
        this.random = seeded == null ? ThreadLocalRandom::current : () -> seeded;
        this.metrics = new ClientMetrics(config.meterRegistry());
        this.timeoutMs = config.timeout().toMillis();
        this.transport = new HttpTransport(vertx, config.bmsUrls(), config.apiKey(), config.trustCaFile(),
                config.connectTimeout().toMillis(),
                config.attemptTimeout().toMillis(), config.maxRetries(), config.retryBackoff(),
                config.maxConnectionsPerUrl(), random, metrics::retry);
        this.fallback = new LocalFallback(config.fallbackPolicy(), config.fallbackShare(),
                config.fallbackDefaultLimit(), config.maxTrackedKeys(), clock);
        long leaseMs = config.leaseDuration().toMillis();
        long sweepMs = Math.max(10, leaseMs / 4);
        // the BMS keeps a lease a little longer than this client keeps its tokens: until the sweep that ends it has run
        // and its release has had the whole timeout to arrive
        this.leaseTtlMs = Math.min(MAX_LEASE_TTL_MS, leaseMs + sweepMs + timeoutMs + 1_000);
        this.leases = new LeaseBook(new RemoteLeases(), clock, new LeaseMath.Policy(leaseMs, config.leaseMaxShare()),
                metrics, config.maxTrackedKeys());
        this.sweepTimer = vertx.setPeriodic(sweepMs, id -> {
            leases.expireDue();
            fallback.evictIdle();
        });
        metrics.gauge("tokenplane.client.connections", "Open connections to the BMS", transport::openConnections);
        metrics.gauge("tokenplane.client.delay.queue", "Requests waiting in delay mode", waiting::get);
        metrics.gauge("tokenplane.client.lease.held", "Tokens held in leases", leases::tokensHeld);
    }

    @Override
    public CompletionStage<Decision> acquire(String key, long tokens, Duration maxWait) {
        return acquireAs(null, key, tokens, maxWait);
    }

    @Override
    public CompletionStage<Decision> acquireWithApiKey(String apiKey, String key, long tokens, Duration maxWait) {
        if (apiKey == null || apiKey.isEmpty() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            // never echo it: it is a secret
            return CompletableFuture.failedFuture(new InvalidRequestException("validation",
                    "apiKey must be 1 or more visible ASCII characters"));
        }
        return acquireAs(apiKey, key, tokens, maxWait);
    }

    /** A decision for the caller with {@code apiKey} (null: this client's own); such a caller never uses leases. */
    private CompletionStage<Decision> acquireAs(String apiKey, String key, long tokens, Duration maxWait) {
        RateLimitException invalid = check(key, tokens, maxWait);
        if (invalid != null) {
            return CompletableFuture.failedFuture(invalid);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        boolean leased = apiKey == null && config.leaseKeys().test(key);
        long maxWaitMs = maxWait.toMillis();
        return counted(maxWaitMs == 0 ? once(key, tokens, 0, leased, apiKey)
                : delayed(key, tokens, maxWaitMs, leased, apiKey));
    }

    private CompletionStage<Decision> counted(CompletionStage<Decision> stage) {
        CompletableFuture<Decision> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            metrics.decision(f.join());
            return f;
        }
        return f.thenApply(d -> {
            metrics.decision(d);
            return d;
        });
    }

    private CompletionStage<Decision> once(String key, long tokens, long maxWaitMs, boolean leased, String apiKey) {
        return leased ? leases.acquire(key, tokens) : decide(key, tokens, maxWaitMs, apiKey);
    }

    /**
     * Delay mode: a request that cannot be granted now waits in the queue (a timer, no thread) and is resent when
     * the answer said it could succeed, until {@code maxWaitMs} is spent. A BMS reservation ({@code waitMs}) is held
     * for its wait. A full queue answers at once.
     */
    private CompletionStage<Decision> delayed(String key, long tokens, long maxWaitMs, boolean leased,
                                              String apiKey) {
        if (waiting.incrementAndGet() > config.delayQueueCapacity()) {
            waiting.decrementAndGet();
            return once(key, tokens, 0, leased, apiKey);
        }
        CompletableFuture<Decision> out = new CompletableFuture<>();
        delayed.add(out);
        out.whenComplete((d, e) -> {
            waiting.decrementAndGet();
            delayed.remove(out);
        });
        resend(out, key, tokens, leased, apiKey, System.nanoTime(), maxWaitMs);
        return out;
    }

    private void resend(CompletableFuture<Decision> out, String key, long tokens, boolean leased, String apiKey,
                        long startNanos, long maxWaitMs) {
        long left = maxWaitMs - elapsedMs(startNanos);
        if (closed.get()) {
            out.completeExceptionally(new IllegalStateException("the client is closed"));
            return;
        }
        once(key, tokens, Math.max(0, left), leased, apiKey).whenComplete((d, err) -> {
            if (err != null) {
                out.completeExceptionally(err);
            } else if (d.granted() && d.waitMs() > 0) {
                vertx.setTimer(d.waitMs(), id -> out.complete(d.withWaitMs(elapsedMs(startNanos))));
            } else if (d.granted()) {
                out.complete(d.withWaitMs(elapsedMs(startNanos)));
            } else if (d.retryAfterMs() > 0 && d.retryAfterMs() <= maxWaitMs - elapsedMs(startNanos)) {
                vertx.setTimer(d.retryAfterMs(), id -> resend(out, key, tokens, leased, apiKey, startNanos,
                        maxWaitMs));
            } else {
                out.complete(d);
            }
        });
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** One decision from the BMS, or from the fallback when the BMS cannot be reached. */
    private CompletionStage<Decision> decide(String key, long tokens, long maxWaitMs, String apiKey) {
        return decideVia("acquire", Wire.acquireBody(tokens, maxWaitMs), key, tokens, maxWaitMs, apiKey,
                (d, reply) -> d);
    }

    /**
     * A decision through endpoint {@code op} of the bucket, or from the fallback when the BMS cannot be reached;
     * {@code wrap} gets the decision and the BMS's whole answer (null for a fallback decision).
     */
    private <T> CompletionStage<T> decideVia(String op, Buffer body, String key, long tokens, long maxWaitMs,
                                             String apiKey, BiFunction<Decision, JsonObject, T> wrap) {
        // the local fallback keeps each forwarded API key's buckets apart, under a digest of the key (never the key)
        String localKey = CallerKeys.localKey(key, apiKey);
        if (availability.down()) {
            return fallbackDecision(key, localKey, tokens, maxWaitMs).thenApply(d -> wrap.apply(d, null));
        }
        return call(Wire.bucketPath(key, op), body, apiKey, reply -> {
            JsonObject answer = reply.body().toJsonObject();
            Decision d = Wire.decision(answer);
            fallback.learn(CallerKeys.rekeyed(d, localKey));
            return wrap.apply(d, answer);
        }, () -> wrap.apply(CallerKeys.rekeyed(fallback.decide(localKey, tokens, maxWaitMs,
                availability.retryAfterMs(clock.millis())), key), null));
    }

    private CompletionStage<Decision> fallbackDecision(String key, String localKey, long tokens, long maxWaitMs) {
        try {
            return CompletableFuture.completedFuture(CallerKeys.rekeyed(fallback.decide(localKey, tokens, maxWaitMs,
                    availability.retryAfterMs(clock.millis())), key));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * POSTs to the BMS and maps a 200 with {@code ok}, a 4xx to its typed exception; when no BMS answers within the
     * timeout (a guard timer makes sure of it, whatever the transport's timeouts do), the client goes to the fallback
     * and {@code unavailable} answers.
     */
    private <T> CompletableFuture<T> call(String path, Buffer body, String apiKey, Function<HttpTransport.Reply, T> ok,
                                          Supplier<T> unavailable) {
        CompletableFuture<T> out = new CompletableFuture<>();
        long guard = vertx.setTimer(timeoutMs, id -> {
            if (!out.isDone()) {
                bmsUnreachable();
                complete(out, unavailable);
            }
        });
        transport.post(path, body, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), apiKey)
                .onComplete(ar -> {
            vertx.cancelTimer(guard);
            if (out.isDone()) {
                return;
            }
            if (ar.failed()) {
                bmsUnreachable();
                complete(out, unavailable);
            } else if (ar.result().status() == 200) {
                complete(out, () -> ok.apply(ar.result()));
            } else {
                out.completeExceptionally(Wire.error(ar.result().status(), ar.result().body()));
            }
        });
        return out;
    }

    private static <T> void complete(CompletableFuture<T> out, Supplier<T> value) {
        try {
            out.complete(value.get());
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
    }

    @Override
    public CompletionStage<List<BatchResult>> acquireBatch(List<AcquireRequest> requests) {
        if (requests == null || requests.stream().anyMatch(r -> r == null || r.key() == null)) {
            return CompletableFuture.failedFuture(new InvalidRequestException("validation",
                    "requests and each request's key are required"));
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        List<CompletableFuture<List<BatchResult>>> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < requests.size(); i++) {
            // the BMS takes up to 1000 items and 64 KiB of body per request: keep each call under both
            long itemBytes = Wire.itemBytes(requests.get(i));
            if (i > from && (i - from == MAX_BATCH || bytes + itemBytes > MAX_BATCH_BYTES)) {
                chunks.add(batch(List.copyOf(requests.subList(from, i))));
                from = i;
                bytes = 0;
            }
            bytes += itemBytes;
        }
        if (from < requests.size()) {
            chunks.add(batch(List.copyOf(requests.subList(from, requests.size()))));
        }
        return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<BatchResult> all = new ArrayList<>(requests.size());
            chunks.forEach(c -> all.addAll(c.join()));
            for (BatchResult r : all) {
                if (r instanceof BatchResult.Decided d) {
                    metrics.decision(d.decision());
                }
            }
            return all;
        });
    }

    private CompletableFuture<List<BatchResult>> batch(List<AcquireRequest> chunk) {
        if (availability.down()) {
            return CompletableFuture.completedFuture(fallbackBatch(chunk));
        }
        return call("/v1/acquire", Wire.batchBody(chunk), null, reply -> {
            List<BatchResult> results = Wire.batchResults(reply.body().toJsonObject());
            for (BatchResult r : results) {
                if (r instanceof BatchResult.Decided d) {
                    fallback.learn(d.decision());
                }
            }
            return results;
        }, () -> fallbackBatch(chunk));
    }

    private List<BatchResult> fallbackBatch(List<AcquireRequest> chunk) {
        List<BatchResult> out = new ArrayList<>(chunk.size());
        long retryAfter = availability.retryAfterMs(clock.millis());
        for (AcquireRequest r : chunk) {
            try {
                out.add(new BatchResult.Decided(fallback.decide(r.key(), r.tokens(), r.maxWaitMs(), retryAfter)));
            } catch (RateLimitException e) {
                out.add(new BatchResult.Failed(r.key(), e));
            }
        }
        return out;
    }

    /** No BMS answered: go to the fallback (once) and start probing. */
    private void bmsUnreachable() {
        long now = clock.millis();
        if (availability.markDown(now, Math.max(1, config.probeBackoff().delayMillis(0, random.get())))) {
            metrics.fallbackStarted();
            LOG.warn("No BMS answered within {} ms; deciding locally ({}) until one is back", timeoutMs,
                    config.fallbackPolicy());
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        if (closed.get()) {
            return;
        }
        long delay = Math.max(1, availability.state().nextProbeAt() - clock.millis());
        vertx.setTimer(delay, id -> probe());
    }

    private void probe() {
        if (closed.get()) {
            return;
        }
        int attempt = availability.state().probeAttempt();
        int index = attempt % transport.endpointCount();
        transport.probe(index, config.attemptTimeout().toMillis()).onComplete(ar -> {
            if (closed.get()) {
                return;
            }
            long now = clock.millis();
            if (ar.succeeded() && ar.result()) {
                long downMs = availability.markUp(now);
                if (downMs >= 0) {
                    metrics.fallbackEnded(downMs);
                    fallback.reset();
                    LOG.info("BMS reachable again after {} ms without it", downMs);
                }
            } else {
                availability.probeFailed(now,
                        Math.max(1, config.probeBackoff().delayMillis(attempt + 1, random.get())));
                scheduleProbe();
            }
        });
    }

    @Override
    public boolean inFallback() {
        return availability.down();
    }

    /** Open connections to the BMS now. */
    public int openConnections() {
        return transport.openConnections();
    }

    /** Tokens held in leases now, over every key. */
    public long leaseTokensHeld() {
        return leases.tokensHeld();
    }

    /** Gives back the unused tokens of ended leases now, rather than at the next sweep. Returns the tokens. */
    public long expireLeases() {
        return leases.expireDue();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        vertx.cancelTimer(sweepTimer);
        boolean mayWait = !Context.isOnEventLoopThread();
        CompletableFuture<Void> released = availability.down() ? CompletableFuture.completedFuture(null)
                : leases.releaseAll();
        if (mayWait) {
            await(released.toCompletableFuture(), timeoutMs + 100);
        }
        IllegalStateException closedError = new IllegalStateException("the client is closed");
        delayed.forEach(f -> f.completeExceptionally(closedError));
        metrics.close();
        Future<Void> transportClosed = transport.close();
        if (mayWait) {
            await(transportClosed.toCompletionStage().toCompletableFuture(), 5_000);
        }
        fallback.close();
        if (ownsVertx) {
            Future<Void> vertxClosed = vertx.close();
            if (mayWait) {
                await(vertxClosed.toCompletionStage().toCompletableFuture(), 10_000);
            }
        }
    }

    private static void await(CompletableFuture<?> f, long ms) {
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("close: {}", e.toString());
        }
    }

    private static RateLimitException check(String key, long tokens, Duration maxWait) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return new InvalidRequestException("validation", "key must be 1.." + MAX_KEY_LENGTH
                    + " characters, was " + (key == null ? "null" : key.length() + " characters"));
        }
        if (tokens < 1) {
            return new InvalidRequestException("validation", "tokens must be >= 1, was " + tokens);
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.toMillis() > MAX_WAIT_MS) {
            return new InvalidRequestException("validation", "maxWait must be in [0, 1 h], was " + maxWait);
        }
        return null;
    }

    /**
     * Leases over HTTP: renewals are decisions (with the fallback), blocks are BMS leases, releases name their lease.
     */
    private final class RemoteLeases implements LeaseBook.Backend {
        @Override
        public boolean available() {
            return !availability.down();
        }

        @Override
        public CompletionStage<Decision> acquire(String key, long tokens) {
            return decide(key, tokens, 0, null);
        }

        @Override
        public CompletionStage<LeaseBook.Grant> lease(String key, long tokens) {
            return decideVia("lease", Wire.leaseBody(tokens, leaseTtlMs), key, tokens, 0, null,
                    (d, answer) -> new LeaseBook.Grant(d, answer == null ? null : answer.getString("leaseId")));
        }

        @Override
        public CompletionStage<?> release(String key, String leaseId, long tokens) {
            if (availability.down()) {
                return CompletableFuture.completedFuture(null);
            }
            // Retried like a decision: the BMS ends a lease at its first release, so a resent one (after an answer
            // that got lost) is refused with a 404 and credits nothing. A 404 (a lease the BMS no longer holds:
            // expired, or lost with a restart) loses the tokens, the safe direction.
            return transport.post(Wire.bucketPath(key, "release"), Wire.releaseBody(leaseId, tokens),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs))
                    .onSuccess(r -> {
                        if (r.status() != 200) {
                            LOG.debug("release of {} tokens of {} refused: {}", tokens, key, r.status());
                        }
                    })
                    .onFailure(e -> LOG.debug("release of {} tokens of {} failed: {}", tokens, key, e.toString()))
                    .toCompletionStage().exceptionally(e -> null);
        }
    }
}
