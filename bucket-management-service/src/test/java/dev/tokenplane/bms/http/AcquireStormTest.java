package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Hundreds of concurrent acquires over HTTP against one key for several seconds: the tokens granted never exceed
 * capacity + refill x elapsed, with elapsed measured by this test's own clock from before the first request to after
 * the last answer.
 */
class AcquireStormTest {
    static final int CONCURRENCY = 200;
    static final long DURATION_MS = 4000;
    static final long CAPACITY = 50;
    static final double REFILL = 100;

    @Test
    void shouldNeverGrantMoreThanCapacityPlusRefillTimesElapsed() throws Exception {
        Api api = SharedBms.get().api;
        api.put("/v1/rules/storm", Map.of("match", "storm:*", "capacity", CAPACITY, "refillPerSecond", REFILL));
        Vertx vertx = Vertx.vertx();
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAliveTimeout(30), new PoolOptions().setHttp1MaxSize(CONCURRENCY));
        Buffer body = Buffer.buffer("{\"tokens\":1}");
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        AtomicLong granted = new AtomicLong();
        AtomicLong denied = new AtomicLong();
        AtomicLong failed = new AtomicLong();

        // When: keep CONCURRENCY requests in flight until the time is up
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(DURATION_MS);
        while (System.nanoTime() < deadline) {
            inFlight.acquire();
            // set up on an event loop, so the body handler is in place before the answer arrives
            vertx.runOnContext(v -> client.request(new RequestOptions()
                            .setMethod(HttpMethod.POST)
                            .setAbsoluteURI(api.base() + "/v1/buckets/storm:one/acquire")
                            .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(body))
                    .compose(response -> response.body().map(b -> response.statusCode() == 200 ? b.toString() : null))
                    .onComplete(answer -> {
                        if (answer.failed() || answer.result() == null) {
                            failed.incrementAndGet();
                        } else if (answer.result().contains("\"granted\":true")) {
                            granted.incrementAndGet();
                        } else {
                            denied.incrementAndGet();
                        }
                        inFlight.release();
                    }));
        }
        assertThat(inFlight.tryAcquire(CONCURRENCY, 30, TimeUnit.SECONDS)).isTrue();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + 1;
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        System.out.printf(
                "storm: %d granted, %d denied in %d ms (bound %.1f)%n",
                granted.get(), denied.get(), elapsedMs, CAPACITY + REFILL * elapsedMs / 1000.0);
        // Then: the bound holds, and the bucket was really under contention (most requests denied)
        double bound = CAPACITY + REFILL * elapsedMs / 1000.0;
        assertThat(failed.get()).isZero();
        assertThat(granted.get()).isLessThanOrEqualTo((long) Math.floor(bound));
        assertThat(denied.get()).isGreaterThan(granted.get());
        // The limiter grants what it may. Refill after the last request was sent cannot be taken, and while this
        // JVM or the member stalls for longer than capacity / refill (0.5 s) the bucket is full and its refill lost,
        // which a loaded CI machine does; so the floor is 60 % of what the sending window could take. A limiter that
        // debited each grant twice would stay near half of it.
        double sendable = CAPACITY + REFILL * DURATION_MS / 1000.0;
        assertThat(granted.get()).isGreaterThanOrEqualTo((long) (0.6 * sendable));
    }
}
