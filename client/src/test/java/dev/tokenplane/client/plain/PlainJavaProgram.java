package dev.tokenplane.client.plain;

import dev.tokenplane.client.Decision;
import dev.tokenplane.client.RateLimiterClient;
import dev.tokenplane.client.RateLimiterEvent;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain Java program using the SDK, as a service without Vert.x would: run by {@link PlainJavaProgramTest} in a JVM
 * whose class path is only tokenplane-client and its runtime dependencies (no Vert.x, no Micrometer). Prints what it
 * saw; exits 0 when everything went as a token bucket of capacity 3 (refilling at 0.5/s) says, 1 otherwise.
 */
public final class PlainJavaProgram {
    private PlainJavaProgram() {}

    public static void main(String[] args) throws Exception {
        for (String absent : new String[] {"io.vertx.core.Vertx", "io.micrometer.core.instrument.MeterRegistry"}) {
            try {
                Class.forName(absent);
                fail(absent + " is on the class path");
            } catch (ClassNotFoundException expected) {
                System.out.println("absent " + absent);
            }
        }
        AtomicInteger denials = new AtomicInteger();
        try (RateLimiterClient client = RateLimiterClient.builder()
                .bmsUrls(args[0])
                .timeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(5))
                .onEvent(e -> {
                    if (e instanceof RateLimiterEvent.Denied) {
                        denials.incrementAndGet();
                    }
                })
                .build()) {
            // blocking: a bucket of 3, refilling at 0.5/s
            boolean first = client.tryAcquire("plain:a");
            boolean second = client.tryAcquire("plain:a", 2);
            boolean third = client.tryAcquire("plain:a");
            Decision waited = client.acquire("plain:a", 1, Duration.ofSeconds(3));
            // asynchronous
            Decision async =
                    client.acquireAsync("plain:b", 3).toCompletableFuture().join();
            System.out.println("tryAcquire " + first + " " + second + " " + third);
            System.out.println("acquire " + waited.granted() + " source " + waited.source());
            System.out.println("acquireAsync " + async.granted() + " remaining " + async.remaining());
            System.out.flush();
            if (!first || !second || third || !waited.granted() || !async.granted()) {
                fail("unexpected decisions");
            }
        }
        // the consumers run on the client's event thread; closing the client delivered the events queued for them
        System.out.println("denials " + denials.get());
        if (denials.get() < 1) {
            fail("no denial event");
        }
        System.out.println("OK");
    }

    private static void fail(String why) {
        System.out.println("FAILED: " + why);
        System.out.flush();
        System.exit(1);
    }
}
