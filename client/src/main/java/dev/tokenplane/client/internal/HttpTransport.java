package dev.tokenplane.client.internal;

import dev.tokenplane.client.Backoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * HTTP to the BMS: one Vert.x {@link WebClient} over a pooled keep-alive HTTP/1.1 client, failover between the BMS
 * URLs, and retries with backoff, all within a deadline.
 *
 * <h2>Retries</h2>
 * A transport error (refused, reset, closed, timed out) or a 5xx answer is retried as {@link RetrySchedule} says: the
 * next URL, after a delay with full jitter (also between the URLs of one round, so that clients leaving a failed
 * member do not all land on the next one at once), its ceiling growing each round. After a failure the next
 * requests start at the next URL too (sticky failover). Nothing is retried
 * past the deadline, or past {@code maxRetries}; then the request fails with {@link UnavailableException}. A 4xx
 * answer is the caller's, not retried.
 *
 * <p>Thread-safe; futures complete on the client's event loops.
 */
public final class HttpTransport {

    /** No BMS answered within the deadline (after retries and failover). */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /** An answer (status below 500). */
    public record Reply(int status, Buffer body) {
    }

    private record Endpoint(String host, int port, boolean ssl, String basePath) {
        static Endpoint of(URI u) {
            boolean ssl = "https".equals(u.getScheme().toLowerCase(Locale.ROOT));
            int port = u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80;
            String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
            return new Endpoint(u.getHost(), port, ssl, path);
        }

        @Override
        public String toString() {
            return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
        }
    }

    private final Vertx vertx;
    private final List<Endpoint> endpoints;
    private final HttpClientAgent http;
    private final WebClient web;
    private final String apiKey;
    private final long attemptTimeoutMs;
    private final int maxRetries;
    private final Backoff backoff;
    private final Supplier<RandomGenerator> random;
    private final Runnable onRetry;
    private final AtomicInteger preferred = new AtomicInteger();
    private final AtomicInteger openConnections = new AtomicInteger();

    /**
     * @param trustCaFile the PEM certificate authorities trusted for {@code https://} URLs, or null for the JVM's
     * @param random   the randomness of the backoff jitter
     * @param onRetry  told of every retry (for the metrics)
     */
    public HttpTransport(Vertx vertx, List<URI> urls, String apiKey, Path trustCaFile, long connectTimeoutMs,
                         long attemptTimeoutMs, int maxRetries, Backoff backoff, int maxConnectionsPerUrl,
                         Supplier<RandomGenerator> random, Runnable onRetry) {
        this.vertx = vertx;
        this.endpoints = urls.stream().map(Endpoint::of).toList();
        this.apiKey = apiKey;
        this.attemptTimeoutMs = attemptTimeoutMs;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
        this.random = random;
        this.onRetry = onRetry;
        WebClientOptions options = new WebClientOptions()
                .setKeepAlive(true)
                .setKeepAliveTimeout(30)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMs))
                .setUserAgent("tokenplane-client")
                .setFollowRedirects(false);
        if (trustCaFile != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(trustCaFile.toString()));
        }
        this.http = vertx.httpClientBuilder()
                .with(options)
                .with(new PoolOptions().setHttp1MaxSize(maxConnectionsPerUrl))
                .withConnectHandler(connection -> {
                    openConnections.incrementAndGet();
                    connection.closeHandler(v -> openConnections.decrementAndGet());
                })
                .build();
        this.web = WebClient.wrap(http, options);
    }

    /** Open connections to the BMS URLs now. */
    public int openConnections() {
        return openConnections.get();
    }

    /** The number of BMS URLs. */
    public int endpointCount() {
        return endpoints.size();
    }

    /**
     * POSTs {@code body} to {@code path}, retrying and failing over until {@code deadlineNanos} (a
     * {@link System#nanoTime()} value). Fails with {@link UnavailableException} when no BMS answered below 500.
     */
    public Future<Reply> post(String path, Buffer body, long deadlineNanos) {
        return post(path, body, deadlineNanos, maxRetries);
    }

    /** {@link #post(String, Buffer, long)} with {@code apiKey} as {@code X-Api-Key} (null: the client's own). */
    public Future<Reply> post(String path, Buffer body, long deadlineNanos, String apiKey) {
        Promise<Reply> promise = Promise.promise();
        attempt(path, body, deadlineNanos, 0, preferred.get(), promise, null, maxRetries, apiKey);
        return promise.future();
    }

    /** {@link #post(String, Buffer, long)} with at most {@code retries} retries (0 for a request never to resend). */
    public Future<Reply> post(String path, Buffer body, long deadlineNanos, int retries) {
        Promise<Reply> promise = Promise.promise();
        attempt(path, body, deadlineNanos, 0, preferred.get(), promise, null, retries, null);
        return promise.future();
    }

    private void attempt(String path, Buffer body, long deadlineNanos, int attempt, int index, Promise<Reply> promise,
                         Throwable last, int maxRetries, String callerKey) {
        long leftMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (leftMs <= 0) {
            promise.tryFail(new UnavailableException("no BMS answered in time", last));
            return;
        }
        Endpoint ep = endpoints.get(index);
        long timeout = Math.min(attemptTimeoutMs, leftMs);
        HttpRequest<Buffer> request = web.request(HttpMethod.POST, ep.port(), ep.host(), ep.basePath() + path)
                .ssl(ep.ssl())
                .timeout(timeout)
                .connectTimeout(timeout)
                .putHeader("Content-Type", "application/json");
        String key = callerKey != null ? callerKey : apiKey;
        if (key != null) {
            request.putHeader("X-Api-Key", key);
        }
        request.sendBuffer(body).onComplete(ar -> {
            if (ar.succeeded() && ar.result().statusCode() < 500) {
                HttpResponse<Buffer> r = ar.result();
                promise.tryComplete(new Reply(r.statusCode(), r.body()));
                return;
            }
            Throwable cause = ar.succeeded()
                    ? new IllegalStateException(ep + " answered " + ar.result().statusCode())
                    : ar.cause();
            RetrySchedule.Step step = RetrySchedule.next(attempt, index, endpoints.size(), backoff, random.get());
            int next = step.endpoint();
            preferred.compareAndSet(index, next);
            int retry = attempt + 1;
            if (retry > maxRetries) {
                promise.tryFail(new UnavailableException("no BMS answered after " + retry + " attempts", cause));
                return;
            }
            onRetry.run();
            long delay = step.delayMs();
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
            if (delay >= remaining) {
                promise.tryFail(new UnavailableException("no BMS answered in time", cause));
            } else if (delay <= 0) {
                attempt(path, body, deadlineNanos, retry, next, promise, cause, maxRetries, callerKey);
            } else {
                vertx.setTimer(delay, id -> attempt(path, body, deadlineNanos, retry, next, promise, cause,
                        maxRetries, callerKey));
            }
        });
    }

    /**
     * Whether BMS URL {@code index} is ready ({@code GET /health/ready} answers 200 within {@code timeoutMs}). A
     * ready URL becomes the preferred one.
     */
    public Future<Boolean> probe(int index, long timeoutMs) {
        Endpoint ep = endpoints.get(index);
        return web.request(HttpMethod.GET, ep.port(), ep.host(), ep.basePath() + "/health/ready")
                .ssl(ep.ssl())
                .timeout(timeoutMs)
                .connectTimeout(timeoutMs)
                .send()
                .map(r -> {
                    boolean ready = r.statusCode() == 200;
                    if (ready) {
                        preferred.set(index);
                    }
                    return ready;
                })
                .otherwise(false);
    }

    /** Closes the connections; completes when they are closed. */
    public Future<Void> close() {
        web.close();
        return http.close();
    }
}
