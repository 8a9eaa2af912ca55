package dev.tokenplane.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.FallbackPolicy;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.store.Priority;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BMS or, when it cannot be reached, the {@link LocalFallback}: every call answers within the timeout (a guard
 * timer makes sure of it, whatever the transport's timeouts do); a call that gets no answer switches the client to
 * the fallback ({@link Availability}) and starts probing the BMS URLs with backoff until one is ready again.
 */
final class BmsGateway {
    private static final Logger LOG = LoggerFactory.getLogger(BmsGateway.class);

    /** The settings of the switch. */
    record Settings(
            Duration timeout,
            Duration probeTimeout,
            dev.tokenplane.client.Backoff probeBackoff,
            FallbackPolicy policy) {}

    private final Failover failover;
    private final LocalFallback fallback;
    private final ScheduledExecutorService timers;
    private final InstantSource clock;
    private final Supplier<RandomGenerator> random;
    private final ClientEvents events;
    private final Settings settings;
    private final long timeoutMs;
    private final Availability availability = new Availability();
    private volatile boolean closed;

    BmsGateway(
            Failover failover,
            LocalFallback fallback,
            ScheduledExecutorService timers,
            InstantSource clock,
            Supplier<RandomGenerator> random,
            ClientEvents events,
            Settings settings) {
        this.failover = failover;
        this.fallback = fallback;
        this.timers = timers;
        this.clock = clock;
        this.random = random;
        this.events = events;
        this.settings = settings;
        this.timeoutMs = settings.timeout().toMillis();
    }

    boolean down() {
        return availability.down();
    }

    /** While down: the time until the next probe (what a denial without a local bucket tells callers). */
    long retryAfterMs() {
        return availability.retryAfterMs(clock.millis());
    }

    Failover failover() {
        return failover;
    }

    /**
     * A decision through endpoint {@code op} of the bucket, or from the fallback when the BMS cannot be reached;
     * {@code wrap} gets the decision and the BMS's whole answer (null for a fallback decision).
     */
    <T> CompletionStage<T> decide(
            String op,
            byte[] body,
            String key,
            long tokens,
            long maxWaitMs,
            String apiKey,
            BiFunction<Decision, JsonNode, T> wrap) {
        // the local fallback keeps each forwarded API key's buckets apart, under a digest of the key (never the key)
        String localKey = CallerKeys.localKey(key, apiKey);
        Supplier<T> local = () ->
                wrap.apply(CallerKeys.rekeyed(fallback.decide(localKey, tokens, maxWaitMs, retryAfterMs()), key), null);
        if (down()) {
            return completed(local);
        }
        return call(
                Wire.bucketPath(key, op),
                body,
                apiKey,
                answer -> {
                    Decision d = Wire.decision(answer);
                    fallback.learn(CallerKeys.rekeyed(d, localKey));
                    return wrap.apply(d, answer);
                },
                local);
    }

    /**
     * A single acquire over the binary decision protocol ({@link DecisionChannel}), or from the fallback when the BMS
     * cannot be reached: the same answers, exceptions and fallback as {@link #decide} over HTTP.
     */
    CompletionStage<Decision> decideOverWire(
            DecisionChannel channel, String key, long tokens, long maxWaitMs, Priority priority) {
        Supplier<Decision> local = () -> fallback.decide(key, tokens, maxWaitMs, retryAfterMs());
        if (down()) {
            return completed(local);
        }
        // a 5xx-class answer (a store call past its deadline, say) is tried once more, as HTTP retries a 5xx
        CompletableFuture<Decision> sent = channel.acquire(key, tokens, maxWaitMs, priority)
                .exceptionallyCompose(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return cause instanceof DecisionChannel.Unreachable u && u.answered() && !down()
                            ? channel.acquire(key, tokens, maxWaitMs, priority)
                            : CompletableFuture.failedFuture(cause);
                });
        return guarded(
                sent,
                d -> {
                    fallback.learn(CallerKeys.rekeyed(d, key)); // the fallback knows the key as asked, as for HTTP
                    return d;
                },
                local,
                channel::reset); // an answer that is late: the connection is suspect, the next acquire opens another
    }

    /**
     * POSTs to the BMS and maps a 200 with {@code ok}, a 4xx to its typed exception; when no BMS answers within the
     * timeout, the client goes to the fallback and {@code unavailable} answers.
     */
    <T> CompletableFuture<T> call(
            String path, byte[] body, String apiKey, Function<JsonNode, T> ok, Supplier<T> unavailable) {
        return guarded(
                failover.post(path, body, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), apiKey),
                reply -> {
                    if (reply.status() != 200) {
                        throw Wire.error(reply.status(), reply.body());
                    }
                    return ok.apply(Wire.parse(reply.body()));
                },
                unavailable,
                () -> {});
    }

    /**
     * {@code sent}'s answer mapped by {@code answered} (which may throw the typed exception of an error answer); when
     * it fails (a {@link RateLimitException} excepted) or takes longer than the timeout, the client goes to the
     * fallback, and {@code unavailable} answers.
     */
    private <R, T> CompletableFuture<T> guarded(
            CompletableFuture<R> sent, Function<R, T> answered, Supplier<T> unavailable, Runnable onTimeout) {
        CompletableFuture<T> out = new CompletableFuture<>();
        ScheduledFuture<?> guard = timers.schedule(
                () -> {
                    if (!out.isDone()) {
                        onTimeout.run();
                        unreachable(null);
                        complete(out, unavailable);
                    }
                },
                timeoutMs,
                TimeUnit.MILLISECONDS);
        sent.whenComplete((reply, error) -> {
            guard.cancel(false);
            if (out.isDone()) {
                return;
            }
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof RateLimitException refused) {
                out.completeExceptionally(refused); // answered: the BMS is there
            } else if (error != null) {
                unreachable(error);
                complete(out, unavailable);
            } else {
                complete(out, () -> answered.apply(reply));
            }
        });
        return out;
    }

    /** POSTs without the fallback: for releases, which have nothing to fall back to. */
    CompletableFuture<BmsHttp.Reply> post(String path, byte[] body) {
        return failover.post(path, body, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs), null);
    }

    static <T> CompletableFuture<T> completed(Supplier<T> value) {
        CompletableFuture<T> out = new CompletableFuture<>();
        complete(out, value);
        return out;
    }

    private static <T> void complete(CompletableFuture<T> out, Supplier<T> value) {
        try {
            out.complete(value.get());
        } catch (RuntimeException e) {
            out.completeExceptionally(e);
        }
    }

    /** No BMS answered: go to the fallback (once) and start probing. */
    private void unreachable(Throwable error) {
        long now = clock.millis();
        if (availability.markDown(now, Math.max(1, settings.probeBackoff().delayMillis(0, random.get())))) {
            events.fallbackEntered(settings.policy());
            Throwable cause = error == null ? null : error.getCause() != null ? error.getCause() : error;
            LOG.warn(
                    "No BMS answered within {} ms ({}); deciding locally ({}) until one is back",
                    timeoutMs,
                    cause == null ? "timed out" : cause.toString(),
                    settings.policy());
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        if (closed) {
            return;
        }
        long delay = Math.max(1, availability.state().nextProbeAt() - clock.millis());
        try {
            timers.schedule(this::probe, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void probe() {
        if (closed) {
            return;
        }
        int attempt = availability.state().probeAttempt();
        int index = attempt % failover.endpointCount();
        failover.probe(index, settings.probeTimeout()).thenAccept(ready -> {
            if (closed) {
                return;
            }
            long now = clock.millis();
            if (ready) {
                long downMs = availability.markUp(now);
                if (downMs >= 0) {
                    fallback.reset();
                    events.fallbackExited(downMs);
                    LOG.info("BMS reachable again after {} ms without it", downMs);
                }
            } else {
                availability.probeFailed(
                        now, Math.max(1, settings.probeBackoff().delayMillis(attempt + 1, random.get())));
                scheduleProbe();
            }
        });
    }

    /** Stops probing. */
    void close() {
        closed = true;
    }
}
