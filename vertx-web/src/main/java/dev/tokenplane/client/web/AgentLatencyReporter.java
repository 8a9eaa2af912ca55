package dev.tokenplane.client.web;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes request latencies to the local load agent's intake ({@code POST http://127.0.0.1:9470/v1/latency} with
 * {@code {"samplesMs": [...]}}), batched and fire-and-forget.
 *
 * <p>{@link #record} never blocks and never fails: it puts the sample in a bounded lock-free buffer, or drops it when
 * the buffer is full (a missing agent must not grow the service's memory). A timer sends what is buffered every flush
 * interval, at most {@code maxBatch} samples per request (the agent takes up to 10 000), and sends early when a batch
 * is full. A failed send is counted and forgotten: the latencies are a signal for the agent, not data to keep.
 */
public final class AgentLatencyReporter implements AutoCloseable {
    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:9470/v1/latency");
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_BATCH = 1000;
    public static final int DEFAULT_MAX_BUFFERED = 10_000;

    private final Vertx vertx;
    private final URI url;
    private final int maxBatch;
    private final int maxBuffered;
    private final WebClient web;
    private final ConcurrentLinkedQueue<Double> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicBoolean flushQueued = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long timer;
    private volatile boolean closed;

    public AgentLatencyReporter(Vertx vertx, URI url, Duration flushInterval, int maxBatch, int maxBuffered) {
        if (maxBatch < 1 || maxBatch > 10_000 || maxBuffered < maxBatch) {
            throw new IllegalArgumentException("maxBatch must be in [1, 10000] and maxBuffered >= maxBatch, was "
                    + maxBatch + " and " + maxBuffered);
        }
        this.vertx = vertx;
        this.url = url;
        this.maxBatch = maxBatch;
        this.maxBuffered = maxBuffered;
        this.web = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setKeepAlive(true)
                        .setConnectTimeout(1000)
                        .setUserAgent("tokenplane-middleware"));
        this.timer = vertx.setPeriodic(Math.max(10, flushInterval.toMillis()), id -> flush());
    }

    /** A reporter to {@link #DEFAULT_URL} with the default batching. */
    public static AgentLatencyReporter toLocalAgent(Vertx vertx) {
        return new AgentLatencyReporter(
                vertx, DEFAULT_URL, DEFAULT_FLUSH_INTERVAL, DEFAULT_MAX_BATCH, DEFAULT_MAX_BUFFERED);
    }

    /** Records one request's latency in ms; never blocks. */
    public void record(double latencyMs) {
        if (closed || !(latencyMs >= 0)) {
            return;
        }
        if (buffered.incrementAndGet() > maxBuffered) {
            buffered.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        buffer.add(latencyMs);
        if (buffered.get() >= maxBatch && flushQueued.compareAndSet(false, true)) {
            vertx.runOnContext(v -> {
                flushQueued.set(false);
                flush();
            });
        }
    }

    /** Sends what is buffered now, in batches (at most a buffer's worth, so a flood cannot hold the event loop). */
    void flush() {
        for (int batches = maxBuffered / maxBatch + 1; batches > 0 && buffered.get() > 0; batches--) {
            StringBuilder json =
                    new StringBuilder(16 * Math.min(maxBatch, buffered.get()) + 16).append("{\"samplesMs\":[");
            int n = 0;
            for (Double v; n < maxBatch && (v = buffer.poll()) != null; n++) {
                if (n > 0) {
                    json.append(',');
                }
                json.append(Math.round(v * 1000) / 1000.0);
            }
            buffered.addAndGet(-n);
            if (n == 0) {
                return;
            }
            int count = n;
            web.request(HttpMethod.POST, port(), url.getHost(), url.getRawPath())
                    .timeout(2_000)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(json.append("]}").toString()))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result().statusCode() == 202) {
                            sent.addAndGet(count);
                        } else {
                            failed.addAndGet(count);
                        }
                    });
        }
    }

    private int port() {
        return url.getPort() > 0 ? url.getPort() : 80;
    }

    /** Samples the agent accepted. */
    public long sent() {
        return sent.get();
    }

    /** Samples dropped because the buffer was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Samples whose send failed (no agent, or it refused them). */
    public long failed() {
        return failed.get();
    }

    /** Stops the timer, sends what is buffered (without waiting), and closes the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        vertx.cancelTimer(timer);
        flush();
        vertx.setTimer(2_500, id -> web.close());
    }
}
