package dev.tokenplane.bms.support;

import dev.tokenplane.bms.http.DecisionRoutes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A flood of distinct keys through the batch endpoint: {@code threads} clients, each sending batches of
 * {@link DecisionRoutes#MAX_BATCH} keys never asked before ({@code prefix + thread + ":" + n}), one batch after the
 * other, until {@code keys} keys were sent (rounded down to a multiple of {@code threads}). Counts each item's answer: a decision, a {@code bucket_budget_exhausted}
 * refusal, or anything else (which a test expects never to see).
 */
public final class KeyFlood {
    private static final Pattern ERROR = Pattern.compile("\"error\":\"([a-z_]+)\"");

    public final AtomicLong sent = new AtomicLong();
    public final AtomicLong decided = new AtomicLong();
    public final AtomicLong refused = new AtomicLong();
    public final AtomicLong otherErrors = new AtomicLong();
    public final AtomicLong failedBatches = new AtomicLong();
    /** Items of batches answered 429 creation_rate_exceeded (the client's refusals past its limit). */
    public final AtomicLong throttled = new AtomicLong();
    /** Batches answered 429 creation_rate_exceeded (each resent one counts again). */
    public final AtomicLong throttledAnswers = new AtomicLong();

    private volatile String lastProblem;
    private final String apiKey;
    private final boolean resendThrottled;
    private volatile long stopAtNanos = Long.MAX_VALUE;

    /** A flood without an API key, which moves on to its next batch when one is throttled. */
    public KeyFlood() {
        this(null, false);
    }

    /**
     * @param apiKey          sent as {@code X-Api-Key}, or null
     * @param resendThrottled a hostile flood: a batch answered 429 is sent again at once (ignoring Retry-After)
     *                        until it is decided, so the flood lasts until its keys were decided or {@link #stopAt}
     */
    public KeyFlood(String apiKey, boolean resendThrottled) {
        this.apiKey = apiKey;
        this.resendThrottled = resendThrottled;
    }

    /** Stops sending at {@code nanoTime} (batches not sent by then are not counted as sent). */
    public KeyFlood stopAt(long nanoTime) {
        this.stopAtNanos = nanoTime;
        return this;
    }

    /**
     * A rules file for a flood: {@code flood:*} (capacity 5, a token per 1,000 s, so a flood key's bucket is never
     * refilled during a test) and {@code good:*} for the well-behaved client.
     */
    public static Path rulesFile(long goodCapacity, double goodRefillPerSecond) throws IOException {
        Path rules = Files.createTempFile("flood-rules", ".yaml");
        Files.writeString(rules, """
                rules:
                  - id: flood
                    match: "flood:*"
                    capacity: 5
                    refillPerSecond: 0.001
                    idleTtlSeconds: 3600
                  - id: good
                    match: "good:*"
                    capacity: %d
                    refillPerSecond: %s
                """.formatted(
                goodCapacity, java.math.BigDecimal.valueOf(goodRefillPerSecond).toPlainString()));
        return rules;
    }

    /** Sends {@code keys} distinct keys from {@code threads} threads, as fast as answered; returns when all were. */
    public KeyFlood run(String base, String prefix, long keys, int threads) throws InterruptedException {
        return run(base, prefix, keys, threads, 0);
    }

    /**
     * Sends {@code keys} distinct keys from {@code threads} threads, at most {@code keysPerSecond} in all (0: as fast
     * as answered), and returns when all were answered.
     */
    public KeyFlood run(String base, String prefix, long keys, int threads, long keysPerSecond)
            throws InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        long perThread = keys / threads;
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread w = new Thread(
                    () -> {
                        long start = System.nanoTime();
                        for (long from = 0;
                                from < perThread && System.nanoTime() < stopAtNanos;
                                from += DecisionRoutes.MAX_BATCH) {
                            int items = (int) Math.min(DecisionRoutes.MAX_BATCH, perThread - from);
                            if (keysPerSecond > 0) {
                                // this thread's share of the rate: batch n leaves no earlier than n x its period
                                long due = start + (long) (from * 1e9 * threads / keysPerSecond);
                                java.util.concurrent.locks.LockSupport.parkNanos(due - System.nanoTime());
                            }
                            String body = batch(prefix + thread + ":", from, items);
                            while (!send(http, base, body, items)
                                    && resendThrottled
                                    && System.nanoTime() < stopAtNanos) {
                                Thread.onSpinWait();
                            }
                        }
                    },
                    "key-flood-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        return this;
    }

    public String lastProblem() {
        return lastProblem;
    }

    private static String batch(String prefix, long from, int n) {
        StringBuilder sb = new StringBuilder(n * 32).append("{\"requests\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",")
                    .append("{\"key\":\"")
                    .append(prefix)
                    .append(from + i)
                    .append("\"}");
        }
        return sb.append("]}").toString();
    }

    /** Sends one batch; false when it was throttled (429 creation_rate_exceeded). */
    private boolean send(HttpClient http, String base, String body, int items) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/acquire"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (apiKey != null) {
            b.header("X-Api-Key", apiKey);
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 429
                    && r.body().contains("\"creation_rate_exceeded\"")
                    && r.headers().firstValue("Retry-After").isPresent()) {
                throttledAnswers.incrementAndGet();
                if (!resendThrottled) {
                    sent.addAndGet(items);
                    throttled.addAndGet(items);
                }
                return false;
            }
            sent.addAndGet(items);
            if (r.statusCode() != 200) {
                failedBatches.incrementAndGet();
                lastProblem = r.statusCode() + " " + r.body();
                return true;
            }
            String text = r.body();
            long granted = count(text, "\"granted\":");
            decided.addAndGet(granted);
            Matcher m = ERROR.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("bucket_budget_exhausted")) {
                    refused.incrementAndGet();
                } else {
                    otherErrors.incrementAndGet();
                    lastProblem = m.group(1);
                }
            }
        } catch (Exception e) {
            failedBatches.incrementAndGet();
            // how long the batch waited tells a connection closed at once from one that hung until a timeout
            lastProblem = e + " after " + (System.nanoTime() - started) / 1_000_000 + " ms";
        }
        return true;
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }
}
