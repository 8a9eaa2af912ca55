package dev.tokenplane.client.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.client.support.BmsProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Decisions per second through the client, with leases and without, against direct HTTP calls to the BMS, and the
 * over-admission of each (grants against the bucket's bound {@code capacity + refill * elapsed}).
 *
 * <p>Not part of the default test run (its name does not match the surefire includes); run it with
 * {@code mvn -B -ntp -pl client -am test -Pbench -Dtest=ClientBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dbench.seconds=10 -Dbench.inflight=64}). The BMS runs in its own JVM on this machine (the embedded
 * default, one member); the load generator keeps {@code inflight} decisions outstanding from two threads.
 *
 * <p>Two buckets: a <b>saturated</b> one (capacity 1000, refill 10 000/s, far less than the demand: most decisions are
 * denials and the bound is tight) and an <b>ample</b> one (capacity and refill 10^9: every decision is a grant). Each
 * scenario uses a fresh key, so its bucket starts full at the scenario's first request.
 */
class ClientBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 5);
    private static final int INFLIGHT = Integer.getInteger("bench.inflight", 64);
    private static final int POOL = 16;
    private static final long SAT_CAPACITY = 1_000;
    private static final long SAT_REFILL = 10_000;

    record Result(
            String scenario,
            String bucket,
            long decisions,
            long grants,
            long errors,
            long fallbacks,
            double seconds,
            long bound) {
        double perSecond() {
            return decisions / seconds;
        }

        long overAdmission() {
            return bound < 0 ? 0 : Math.max(0, grants - bound);
        }
    }

    @Test
    void measure() throws Exception {
        Path dataDir = Files.createTempDirectory("client-bench");
        int port = Bms.freePort();
        try (BmsProcess bms =
                new BmsProcess(port, dataDir).jvmOptions("-Xms512m", "-Xmx1g").start()) {
            bms.rule(
                    "bench-sat",
                    "{\"match\":\"sat:*\",\"capacity\":" + SAT_CAPACITY + ",\"refillPerSecond\":" + SAT_REFILL + "}");
            bms.rule("bench-ample", "{\"match\":\"ample:*\",\"capacity\":1000000000,\"refillPerSecond\":1000000000}");
            HttpClient direct =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            RateLimiterClient plain = RateLimiterClient.builder()
                    .bmsUrls(bms.url())
                    .maxConnectionsPerUrl(POOL)
                    .timeout(Duration.ofSeconds(5))
                    .attemptTimeout(Duration.ofSeconds(5))
                    .build();
            RateLimiterClient leasing = RateLimiterClient.builder()
                    .bmsUrls(bms.url())
                    .maxConnectionsPerUrl(POOL)
                    .timeout(Duration.ofSeconds(5))
                    .attemptTimeout(Duration.ofSeconds(5))
                    .leases(key -> true)
                    .leaseDuration(Duration.ofSeconds(1))
                    .leaseMaxShare(0.5)
                    .build();
            Function<String, CompletionStage<Decision>> http = key -> directAcquire(direct, port, key);

            // warm up every path, on both kinds of bucket, on keys of their own
            String loadBefore = loadAverage();
            for (String prefix : List.of("sat:warm-", "ample:warm-")) {
                run("warmup", "-", prefix + "direct", http, WARMUP_SECONDS, -1);
                run("warmup", "-", prefix + "client", plain::acquireAsync, WARMUP_SECONDS, -1);
                run("warmup", "-", prefix + "lease", leasing::acquireAsync, WARMUP_SECONDS, -1);
            }

            List<Result> results = new ArrayList<>();
            for (String bucket : List.of("saturated", "ample")) {
                String prefix = bucket.equals("saturated") ? "sat:" : "ample:";
                results.add(run("direct HTTP", bucket, prefix + "direct", http, SECONDS, bound(bucket)));
                results.add(run(
                        "client, no leases", bucket, prefix + "client", plain::acquireAsync, SECONDS, bound(bucket)));
                results.add(
                        run("client, leases", bucket, prefix + "lease", leasing::acquireAsync, SECONDS, bound(bucket)));
            }
            plain.close();
            leasing.close();
            report(results, loadBefore, loadAverage());
        }
    }

    private static long bound(String bucket) {
        return bucket.equals("saturated") ? 0 : -1;
    }

    /** One scenario: {@code INFLIGHT} decisions outstanding for {@code seconds}, from two threads. */
    private static Result run(
            String scenario,
            String bucket,
            String key,
            Function<String, CompletionStage<Decision>> acquire,
            int seconds,
            long boundFlag)
            throws InterruptedException {
        LongAdder decisions = new LongAdder();
        LongAdder grants = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder fallbacks = new LongAdder();
        int threads = 2;
        Semaphore[] permits = new Semaphore[threads];
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> drivers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Semaphore sem = new Semaphore(INFLIGHT / threads);
            permits[t] = sem;
            Thread driver = new Thread(
                    () -> {
                        try {
                            while (System.nanoTime() < end) {
                                sem.acquire();
                                acquire.apply(key).whenComplete((d, e) -> {
                                    if (e != null) {
                                        errors.increment();
                                    } else {
                                        decisions.increment();
                                        if (d.granted()) {
                                            grants.increment();
                                        }
                                        if (d.source().fallback()) {
                                            fallbacks.increment();
                                        }
                                    }
                                    sem.release();
                                });
                            }
                            sem.acquire(INFLIGHT / threads); // every outstanding decision has answered
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "bench-driver-" + t);
            drivers.add(driver);
            driver.start();
        }
        for (Thread d : drivers) {
            d.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long bound = boundFlag < 0 ? -1 : (long) Math.floor(SAT_CAPACITY + SAT_REFILL * elapsed);
        Result r = new Result(
                scenario, bucket, decisions.sum(), grants.sum(), errors.sum(), fallbacks.sum(), elapsed, bound);
        System.out.printf(
                Locale.ROOT,
                "%-18s %-9s %,12.0f decisions/s  grants %,d  bound %s  errors %d  " + "fallbacks %d%n",
                scenario,
                bucket,
                r.perSecond(),
                r.grants(),
                bound < 0 ? "-" : String.format(Locale.ROOT, "%,d", bound),
                r.errors(),
                r.fallbacks());
        return r;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An acquire straight over HTTP ({@code java.net.http}, as the SDK), as a service without the SDK would make it. */
    private static CompletionStage<Decision> directAcquire(HttpClient http, int port, String key) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/buckets/" + key + "/acquire"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tokens\":1}"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode());
            }
            try {
                JsonNode o = JSON.readTree(r.body());
                return new Decision(
                        key,
                        o.path("granted").asBoolean(),
                        1,
                        o.path("remaining").asLong(),
                        o.path("capacity").asLong(),
                        o.path("refillPerSecond").asDouble(),
                        0,
                        o.path("retryAfterMs").asLong(),
                        o.path("ruleId").asText(null),
                        dev.tokenplane.client.DecisionSource.BMS);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void report(List<Result> results, String loadBefore, String loadAfter) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "Client SDK benchmark, %s, %d cores, %d s per scenario, %d in flight, "
                        + "pool %d, JDK %s; load average before %s, after %s%n%n",
                LocalDate.now(),
                Runtime.getRuntime().availableProcessors(),
                SECONDS,
                INFLIGHT,
                POOL,
                System.getProperty("java.version"),
                loadBefore,
                loadAfter));
        b.append("| bucket | path | decisions/s | vs direct | grants/s | grants | bound (C + R*t) | over-admission "
                + "| errors | fallbacks |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            Result direct = results.stream()
                    .filter(x -> x.bucket().equals(r.bucket()) && x.scenario().equals("direct HTTP"))
                    .findFirst()
                    .orElseThrow();
            b.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,.0f | %.1fx | %,.0f | %,d | %s | %s | %d | %d |%n",
                    r.bucket(),
                    r.scenario(),
                    r.perSecond(),
                    r.perSecond() / direct.perSecond(),
                    r.grants() / r.seconds(),
                    r.grants(),
                    r.bound() < 0 ? "-" : String.format(Locale.ROOT, "%,d", r.bound()),
                    r.bound() < 0 ? "-" : Long.toString(r.overAdmission()),
                    r.errors(),
                    r.fallbacks()));
        }
        System.out.println();
        System.out.println(b);
        Path out = Path.of("target", "client-benchmark.md");
        Files.writeString(out, b.toString());
        System.out.println("written to " + out.toAbsolutePath());
    }
}
