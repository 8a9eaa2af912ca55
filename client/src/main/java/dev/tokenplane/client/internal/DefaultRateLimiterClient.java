package dev.tokenplane.client.internal;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.AllResult;
import dev.tokenplane.client.BatchResult;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.InvalidRequestException;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.RateLimiterClientConfig;
import dev.tokenplane.client.RateLimiterEventPublisher;
import dev.tokenplane.store.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RateLimiterClient} facade: checks each request and sends it the right way (a {@link LeaseBook} for
 * leased keys, {@link DelayMode} for requests that may wait, {@link Batches} for many at once, else straight through
 * the {@link BmsGateway}, which falls back to the {@link LocalFallback}), tells the {@link ClientEvents}, and owns the
 * parts' life cycle.
 *
 * <p>Threads: the thread that got the answer (the JDK HTTP client's daemon threads, the decision connection's reader,
 * the timer) completes the stages, or, when one is configured, the caller's {@code callbackExecutor} after one hop; one
 * daemon timer thread runs backoff delays, delay mode, probes and the lease sweep, and stops on {@link #close()}.
 * Event consumers run on neither: see {@link EventDelivery}.
 */
public final class DefaultRateLimiterClient implements RateLimiterClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultRateLimiterClient.class);
    private static final int MAX_KEY_LENGTH = 256;
    private static final long MAX_WAIT_MS = 3_600_000;
    /** The BMS keeps a lease at most this long (its {@code ttlMs} limit). */
    private static final long MAX_LEASE_TTL_MS = 7_200_000;

    private final RateLimiterClientConfig config;
    private final ScheduledThreadPoolExecutor timers;
    private final ClientEvents events;
    private final BmsHttp http;
    private final BmsGateway bms;
    /** The binary decision protocol for single acquires, or null: HTTP only. */
    private final DecisionChannel decisionChannel;

    private final LocalFallback fallback;
    private final LeaseBook leases;
    private final DelayMode delays;
    private final Batches batches;
    private final AutoCloseable metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    public DefaultRateLimiterClient(RateLimiterClientConfig config) {
        this.config = config;
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tokenplane-client-timer");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        RandomGenerator seeded = config.random();
        Supplier<RandomGenerator> random = seeded == null ? ThreadLocalRandom::current : () -> seeded;
        this.events = new ClientEvents(config.clock(), config.callbackExecutor());
        config.eventConsumers().forEach(events::onEvent);
        this.http = new BmsHttp(
                config.bmsUrls(),
                config.apiKey(),
                config.trustCaFile(),
                config.connectTimeout(),
                config.attemptTimeout(),
                config.maxConnectionsPerUrl());
        Failover failover = new Failover(
                http,
                timers,
                config.attemptTimeout(),
                config.maxRetries(),
                config.retryBackoff(),
                random,
                events::retried);
        this.fallback = new LocalFallback(
                config.fallbackPolicy(),
                config.fallbackShare(),
                config.fallbackDefaultLimit(),
                config.maxTrackedKeys(),
                config.clock());
        this.bms = new BmsGateway(
                failover,
                fallback,
                timers,
                config.clock(),
                random,
                events,
                new BmsGateway.Settings(
                        config.timeout(), config.attemptTimeout(), config.probeBackoff(), config.fallbackPolicy()));
        this.decisionChannel = config.decisionEndpoint() == null
                ? null
                : new DecisionChannel(
                        config.decisionEndpoint().getHostString(),
                        config.decisionEndpoint().getPort(),
                        config.apiKey(),
                        "https".equalsIgnoreCase(config.bmsUrls().get(0).getScheme())
                                ? BmsHttp.tls(config.trustCaFile())
                                : null,
                        // a TLS handshake counts too: as for HTTP, the attempt timeout when it is longer
                        config.attemptTimeout().compareTo(config.connectTimeout()) > 0
                                ? config.attemptTimeout()
                                : config.connectTimeout());
        long leaseMs = config.leaseDuration().toMillis();
        long sweepMs = Math.max(10, leaseMs / 4);
        // the BMS keeps a lease a little longer than this client keeps its tokens: until the sweep that ends it has run
        // and its release has had the whole timeout to arrive
        long leaseTtlMs =
                Math.min(MAX_LEASE_TTL_MS, leaseMs + sweepMs + config.timeout().toMillis() + 1_000);
        this.leases = new LeaseBook(
                new RemoteLeases(bms, leaseTtlMs),
                config.clock(),
                new LeaseMath.Policy(leaseMs, config.leaseMaxShare()),
                events,
                config.maxTrackedKeys());
        this.delays = new DelayMode(timers, config.delayQueueCapacity());
        this.batches = new Batches(bms, fallback, events);
        timers.scheduleWithFixedDelay(this::sweep, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        this.metrics = config.meterRegistry() == null
                ? null
                : ClientMetrics.bind(
                        config.meterRegistry(),
                        events,
                        Map.of(
                                "tokenplane.client.connections",
                                http::inFlight,
                                "tokenplane.client.delay.queue",
                                delays::waiting,
                                "tokenplane.client.lease.held",
                                leases::tokensHeld));
    }

    private void sweep() {
        try {
            leases.expireDue();
            fallback.evictIdle();
        } catch (RuntimeException e) {
            LOG.warn("lease sweep failed", e);
        }
    }

    @Override
    public CompletionStage<Decision> acquireAsync(String key, long tokens, Duration maxWait) {
        return handedOff(acquireAs(null, key, tokens, maxWait, true, Priority.DEFAULT));
    }

    @Override
    public CompletionStage<Decision> acquireAsync(String key, long tokens, Duration maxWait, Priority priority) {
        if (priority == null) {
            return failed(key, new InvalidRequestException("validation", "priority is required"));
        }
        return handedOff(acquireAs(null, key, tokens, maxWait, true, priority));
    }

    @Override
    public boolean tryAcquire(String key, long tokens) {
        return acquire(key, tokens, Duration.ZERO).granted(); // no hop to the callback executor: nothing to call back
    }

    @Override
    public Decision acquire(String key, long tokens, Duration timeout) {
        return acquire(key, tokens, timeout, Priority.DEFAULT);
    }

    @Override
    public Decision acquire(String key, long tokens, Duration timeout, Priority priority) {
        if (priority == null) {
            throw new InvalidRequestException("validation", "priority is required");
        }
        // the calling thread waits on this request, so it does not count against the delay queue's bound
        try {
            return acquireAs(null, key, tokens, timeout, false, priority)
                    .toCompletableFuture()
                    .join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    @Override
    public CompletionStage<Decision> acquireWithApiKeyAsync(String apiKey, String key, long tokens, Duration maxWait) {
        return acquireWithApiKeyAsync(apiKey, key, tokens, maxWait, Priority.DEFAULT);
    }

    @Override
    public CompletionStage<Decision> acquireWithApiKeyAsync(
            String apiKey, String key, long tokens, Duration maxWait, Priority priority) {
        if (priority == null) {
            return failed(key, new InvalidRequestException("validation", "priority is required"));
        }
        if (apiKey == null || apiKey.isEmpty() || apiKey.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            // never echo it: it is a secret
            return failed(
                    key,
                    new InvalidRequestException("validation", "apiKey must be 1 or more visible ASCII characters"));
        }
        return handedOff(acquireAs(apiKey, key, tokens, maxWait, true, priority));
    }

    /** A decision for the caller with {@code apiKey} (null: this client's own); such a caller never uses leases. */
    private CompletionStage<Decision> acquireAs(
            String apiKey, String key, long tokens, Duration maxWait, boolean bounded, Priority priority) {
        RateLimitException invalid = check(key, tokens, maxWait);
        if (invalid != null) {
            return failed(key, invalid);
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        boolean leased = apiKey == null && config.leaseKeys().test(key);
        long maxWaitMs = maxWait.toMillis();
        CompletionStage<Decision> decided = maxWaitMs == 0
                ? once(key, tokens, 0, leased, apiKey, priority)
                : delays.acquire(left -> once(key, tokens, left, leased, apiKey, priority), maxWaitMs, bounded);
        return told(key, decided);
    }

    private CompletionStage<Decision> once(
            String key, long tokens, long maxWaitMs, boolean leased, String apiKey, Priority priority) {
        if (leased) {
            return leases.acquire(key, tokens);
        }
        if (decisionChannel != null && apiKey == null) {
            return bms.decideOverWire(decisionChannel, key, tokens, maxWaitMs, priority);
        }
        return bms.decide(
                "acquire",
                Wire.acquireBody(tokens, maxWaitMs, priority),
                key,
                tokens,
                maxWaitMs,
                apiKey,
                (d, answer) -> d);
    }

    /** {@code stage}, with its outcome told to the events (and so to the metrics). */
    private CompletionStage<Decision> told(String key, CompletionStage<Decision> stage) {
        return stage.whenComplete((d, e) -> {
            if (e != null) {
                events.failed(key, e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                events.decision(d);
            }
        });
    }

    private <T> CompletionStage<T> failed(String key, RuntimeException error) {
        events.failed(key, error);
        return CompletableFuture.failedFuture(error);
    }

    @Override
    public CompletionStage<List<BatchResult>> acquireBatchAsync(List<AcquireRequest> requests) {
        if (requests == null || requests.stream().anyMatch(r -> r == null || r.key() == null)) {
            return failed(
                    null, new InvalidRequestException("validation", "requests and each request's key are required"));
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        return handedOff(batches.acquireBatch(requests));
    }

    @Override
    public CompletionStage<AllResult> acquireAllAsync(String apiKey, List<AcquireRequest> requests, boolean atomic) {
        if (!atomic) {
            return acquireBatchAsync(requests).thenApply(Batches::asAll);
        }
        if (requests == null || requests.stream().anyMatch(r -> r == null || r.key() == null)) {
            return failed(
                    null,
                    new InvalidRequestException(
                            "validation",
                            "an atomic batch needs 1.." + Batches.MAX_BATCH + " requests, each with a key"));
        }
        if (closed.get()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the client is closed"));
        }
        return handedOff(batches.acquireAtomic(apiKey, requests));
    }

    /**
     * {@code stage}, completed on the callback executor when one is configured, so that the caller's callbacks do not
     * run on (and cannot block) the thread that got the answer; completed there and then when the executor refuses.
     */
    private <T> CompletionStage<T> handedOff(CompletionStage<T> stage) {
        Executor executor = config.callbackExecutor();
        if (executor == null) {
            return stage;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenComplete((value, error) -> {
            Runnable complete = () -> {
                if (error != null) {
                    out.completeExceptionally(error);
                } else {
                    out.complete(value);
                }
            };
            try {
                executor.execute(complete);
            } catch (RejectedExecutionException e) {
                complete.run();
            }
        });
        return out;
    }

    @Override
    public RateLimiterEventPublisher eventPublisher() {
        return events;
    }

    @Override
    public boolean inFallback() {
        return bms.down();
    }

    /** HTTP exchanges with the BMS in flight now (each holds one connection). */
    public int inFlight() {
        return http.inFlight();
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
        bms.close();
        CompletableFuture<Void> released = bms.down() ? CompletableFuture.completedFuture(null) : leases.releaseAll();
        if (!Thread.currentThread().getName().equals("tokenplane-client-timer")) {
            try {
                released.get(config.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("close: {}", e.toString());
            }
        }
        delays.close();
        if (metrics != null) {
            try {
                metrics.close();
            } catch (Exception e) {
                LOG.debug("close: {}", e.toString());
            }
        }
        fallback.close();
        timers.shutdownNow();
        if (decisionChannel != null) {
            decisionChannel.close();
        }
        http.close();
        events.close(Duration.ofSeconds(1)); // last, so the events of closing (leases given back...) are delivered
    }

    private static RateLimitException check(String key, long tokens, Duration maxWait) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return new InvalidRequestException(
                    "validation",
                    "key must be 1.." + MAX_KEY_LENGTH + " characters, was "
                            + (key == null ? "null" : key.length() + " characters"));
        }
        if (tokens < 1) {
            return new InvalidRequestException("validation", "tokens must be >= 1, was " + tokens);
        }
        if (maxWait == null || maxWait.isNegative() || maxWait.toMillis() > MAX_WAIT_MS) {
            return new InvalidRequestException("validation", "maxWait must be in [0, 1 h], was " + maxWait);
        }
        return null;
    }
}
