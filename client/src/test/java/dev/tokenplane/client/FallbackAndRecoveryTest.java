package dev.tokenplane.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.client.internal.DefaultRateLimiterClient;
import dev.tokenplane.client.support.Await;
import dev.tokenplane.client.support.Bms;
import dev.tokenplane.client.support.BmsProcess;
import dev.tokenplane.client.support.Http;
import dev.tokenplane.client.support.Sockets;
import dev.tokenplane.client.support.Threads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A BMS in its own JVM, killed with SIGKILL and frozen with SIGSTOP during a run, under three clients, one per
 * fallback policy: each falls back within one timeout, decides as its policy says, goes back to the BMS by itself when
 * it returns (restarted on the same port, or woken up), and once closed leaves no thread and no connection behind.
 * A lease taken before the kill is gone with the BMS that recorded it: the restarted BMS refuses its release, and the
 * client loses those tokens rather than putting them into the new bucket.
 */
class FallbackAndRecoveryTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    /** What the scheduler of a busy 2-core machine may add to a timer. */
    private static final long SLACK_MS = 500;

    @Test
    void shouldFallBackWithinATimeoutDecideByPolicyAndRecoverWithoutLeaks() throws Exception {
        Path dataDir = Files.createTempDirectory("client-fallback");
        int port = Bms.freePort();
        BmsProcess bms = new BmsProcess(port, dataDir).start();
        try {
            // Given a rule of 5 tokens refilling at 0.2/s, and one client per policy that has seen the BMS decide
            bms.rule("fb", "{\"match\":\"fb:*\",\"capacity\":5,\"refillPerSecond\":0.2}");
            bms.rule("fbl", "{\"match\":\"fbl:*\",\"capacity\":100,\"refillPerSecond\":0.001}");
            Set<Thread> threadsBefore = Threads.live();
            assertThat(Sockets.establishedTo(port)).isZero();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Map<FallbackPolicy, RateLimiterClient> clients = Map.of(
                    FallbackPolicy.LOCAL, client(bms, FallbackPolicy.LOCAL, registry),
                    FallbackPolicy.FAIL_OPEN, client(bms, FallbackPolicy.FAIL_OPEN, null),
                    FallbackPolicy.FAIL_CLOSED, client(bms, FallbackPolicy.FAIL_CLOSED, null));
            RateLimiterClient local = clients.get(FallbackPolicy.LOCAL);
            RateLimiterClient open = clients.get(FallbackPolicy.FAIL_OPEN);
            RateLimiterClient closed = clients.get(FallbackPolicy.FAIL_CLOSED);
            for (int i = 0; i < 20; i++) {
                Http.send(bms.url(), "POST", "/v1/buckets/fb:jit/acquire", null, "{}");
            }
            for (RateLimiterClient c : clients.values()) {
                // a cold JVM may miss the first timeout; the client then recovers by itself
                Await.until(
                        () -> c.acquireAsync("fb:warm")
                                        .toCompletableFuture()
                                        .join()
                                        .source()
                                == DecisionSource.BMS,
                        10_000);
            }
            // and the LOCAL client holds a lease of fbl:a (its first request alone, then a block of half the bucket)
            acquireMany(local, "fbl:a", 3);
            long leased = ((DefaultRateLimiterClient) local).leaseTokensHeld();
            assertThat(leased).isPositive();
            assertThat(tokens(bms, "fbl:a")).isEqualTo(100 - 3 - leased);
            double periodsBefore =
                    registry.timer("tokenplane.client.fallback.time").count();
            double fallbackDecisionsBefore =
                    registry.counter("tokenplane.client.fallback.decisions").count();
            // (a warm-up that missed its timeout was decided locally: denied, the key's limit not known yet)
            double localDenialsBefore = registry.counter(
                            "tokenplane.client.decisions", "outcome", "denied", "source", "local")
                    .count();
            int threadsDuring = Threads.live().size();
            // each client keeps at least one keep-alive connection, at most its 4 per URL
            assertThat(Sockets.establishedTo(port)).isBetween(3, 3 * 4);

            // When the BMS is killed
            bms.kill();

            // Then each client falls back within one timeout and decides as its policy says
            for (RateLimiterClient c : clients.values()) {
                long start = System.nanoTime();
                Decision d = c.acquireAsync("fb:warm").toCompletableFuture().join();
                assertThat(elapsedMs(start)).isLessThan(TIMEOUT.toMillis() + SLACK_MS);
                assertThat(d.source().fallback()).isTrue();
                assertThat(c.inFallback()).isTrue();
            }
            // LOCAL: a local bucket at the last known capacity (5) and refill (0.2/s): 4 more, then denied ~5 s
            List<Decision> localDecisions = acquireMany(local, "fb:warm", 5);
            assertThat(localDecisions.subList(0, 4)).allMatch(d -> d.granted() && d.source() == DecisionSource.LOCAL);
            assertThat(localDecisions.get(4).granted()).isFalse();
            assertThat(localDecisions.get(4).retryAfterMs()).isBetween(4_000L, 5_000L);
            assertThat(localDecisions.get(4).capacity()).isEqualTo(5);
            // FAIL_OPEN: everything; FAIL_CLOSED: nothing, retry when the next probe is due
            assertThat(acquireMany(open, "fb:warm", 20))
                    .allMatch(d -> d.granted() && d.source() == DecisionSource.FAIL_OPEN);
            assertThat(acquireMany(closed, "fb:warm", 20))
                    .allMatch(d -> !d.granted() && d.retryAfterMs() >= 1 && d.source() == DecisionSource.FAIL_CLOSED);

            // When the BMS comes back on the same port (the rule persisted in its data directory)
            bms = new BmsProcess(port, dataDir).start();

            // Then every client goes back to it by itself
            for (RateLimiterClient c : clients.values()) {
                Await.until(() -> !c.inFallback(), 10_000);
                assertThat(c.acquireAsync("fb:back")
                                .toCompletableFuture()
                                .join()
                                .source())
                        .isEqualTo(DecisionSource.BMS);
            }
            // (the new bucket fbl:a, taken down to 40 by someone else)
            Http.send(bms.url(), "POST", "/v1/buckets/fbl:a/acquire", null, "{\"tokens\":60}");

            // When the BMS hangs (SIGSTOP: connections are accepted, nothing answers)
            bms.pause();

            // Then the decision waits for the timeout, not longer, and the fallback answers it
            for (RateLimiterClient c : clients.values()) {
                long start = System.nanoTime();
                Decision d = c.acquireAsync("fb:back").toCompletableFuture().join();
                assertThat(elapsedMs(start)).isBetween(TIMEOUT.toMillis() - 50, TIMEOUT.toMillis() + SLACK_MS);
                assertThat(d.source().fallback()).isTrue();
            }

            // When it wakes up, the clients go back to it again
            bms.resume();
            for (RateLimiterClient c : clients.values()) {
                Await.until(() -> !c.inFallback(), 10_000);
                assertThat(c.acquireAsync("fb:back")
                                .toCompletableFuture()
                                .join()
                                .source())
                        .isEqualTo(DecisionSource.BMS);
            }
            assertThat(registry.timer("tokenplane.client.fallback.time").count() - periodsBefore)
                    .isEqualTo(2);
            assertThat(registry.counter("tokenplane.client.fallback.decisions").count() - fallbackDecisionsBefore)
                    .isEqualTo(7);
            assertThat(registry.counter("tokenplane.client.decisions", "outcome", "denied", "source", "local")
                                    .count()
                            - localDenialsBefore)
                    .isEqualTo(1);
            // and through it all the pools stayed within their size
            assertThat(Sockets.establishedTo(port)).isBetween(3, 3 * 4);

            // When the clients close (the LOCAL one giving its leased tokens back)
            double releasedBefore = registry.counter("tokenplane.client.lease.tokens", "kind", "released")
                    .count();
            clients.values().forEach(RateLimiterClient::close);

            // Then nothing is in flight, their connections are closed and their threads gone (Java 17's HttpClient has
            // no close(): it closes its connections and stops its thread once collected, which close() allows)
            for (RateLimiterClient c : clients.values()) {
                assertThat(inFlight(c)).isZero();
            }
            Await.until(
                    () -> {
                        System.gc();
                        return establishedTo(port) == 0;
                    },
                    10_000);
            assertThat(threadsDuring).isGreaterThan(threadsBefore.size());
            Await.quietly(
                    () -> {
                        System.gc();
                        return Threads.startedSince(threadsBefore).isEmpty();
                    },
                    10_000);
            assertThat(Threads.startedSince(threadsBefore)).isEmpty();
            // and the release of the lease the killed BMS had recorded was sent, refused, and credited nothing
            assertThat(registry.counter("tokenplane.client.lease.tokens", "kind", "released")
                                    .count()
                            - releasedBefore)
                    .isEqualTo(leased);
            assertThat(tokens(bms, "fbl:a")).isEqualTo(40);
        } finally {
            bms.close();
        }
    }

    private static long tokens(BmsProcess bms, String key) {
        return Http.send(bms.url(), "GET", "/v1/buckets/" + key, Bms.ADMIN_TOKEN, null)
                .json()
                .getLong("tokens");
    }

    private static RateLimiterClient client(BmsProcess bms, FallbackPolicy policy, SimpleMeterRegistry registry) {
        // a fixed share of 1: this test is about the switch and the recovery, not the learned share (FallbackShareTest)
        return RateLimiterClient.builder()
                .bmsUrls(bms.url())
                .fallbackPolicy(policy)
                .fallbackShare(1.0)
                .leases(key -> key.startsWith("fbl:"))
                .leaseDuration(Duration.ofMinutes(10))
                .timeout(TIMEOUT)
                .attemptTimeout(Duration.ofMillis(300))
                .maxConnectionsPerUrl(4)
                .probeBackoff(Backoff.ofMillis(50, 400))
                .random(new Random(7))
                .meterRegistry(registry)
                .build();
    }

    private static List<Decision> acquireMany(RateLimiterClient c, String key, int n) {
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(c.acquireAsync(key).toCompletableFuture().join());
        }
        return out;
    }

    private static int inFlight(RateLimiterClient c) {
        return ((DefaultRateLimiterClient) c).inFlight();
    }

    private static int establishedTo(int port) {
        try {
            return Sockets.establishedTo(port);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
