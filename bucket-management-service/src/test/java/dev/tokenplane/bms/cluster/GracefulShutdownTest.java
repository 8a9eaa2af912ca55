package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.http.Access;
import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import io.vertx.core.http.HttpMethod;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop (what SIGTERM runs): readiness goes 503 at once, in-flight requests finish, the server then stops
 * accepting, and the member leaves the cluster cleanly, so the others keep serving.
 */
class GracefulShutdownTest {

    @Test
    void shouldDrainInFlightRequestsAndLeaveTheClusterCleanly() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.settings(0).with("BMS_SHUTDOWN_DELAY_MS", "2000");
            // A slow route on member 0 stands for an in-flight request: it answers 2.5 s after it arrived, after the
            // 2 s shutdown delay, so the answer leaves while the server drains
            CompletableFuture<Void> arrived = new CompletableFuture<>();
            ApiRoutes slow = router -> router.add(HttpMethod.GET, "/test/slow", Access.PUBLIC, ctx -> {
                arrived.complete(null);
                ctx.vertx().setTimer(2500, t -> ctx.response().end("done"));
            });
            cluster.start(0, BmsOptions.CORE.withRoute(slow));
            cluster.start(1);
            Api a = cluster.api(0);
            Api b = cluster.api(1);
            a.put("/v1/rules/gs", Map.of("match", "gs:*", "capacity", 3, "refillPerSecond", 0.001));
            Await.until(() -> b.get("/v1/rules/gs").status() == 200);
            assertThat(a.post("/v1/buckets/gs:k/acquire", "{}")
                            .json()
                            .get("granted")
                            .asBoolean())
                    .isTrue();

            // When a slow request is in flight and the member is told to stop
            CompletableFuture<Api.Response> inFlight =
                    CompletableFuture.supplyAsync(() -> a.getAnonymous("/test/slow"));
            arrived.get(10, TimeUnit.SECONDS); // the request is in flight before the stop begins
            CompletableFuture<Void> stopping =
                    CompletableFuture.runAsync(() -> cluster.node(0).stop());

            // Then readiness answers 503 while it drains, and decisions are still served meanwhile
            Await.until(() -> a.getAnonymous("/health/ready").status() == 503);
            assertThat(a.getAnonymous("/health/ready").json().get("status").asText())
                    .isEqualTo("stopping");
            assertThat(a.post("/v1/buckets/gs:k/acquire", "{}").status()).isEqualTo(200);

            // And the in-flight request completes, the member leaves, and the server no longer accepts
            assertThat(inFlight.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            stopping.get(30, TimeUnit.SECONDS);
            Await.until(
                    () -> cluster.node(1).hazelcast().getCluster().getMembers().size() == 1);
            assertThatThrownBy(() -> a.getAnonymous("/health/live")).isInstanceOf(UncheckedIOException.class);

            // And the remaining member serves the rule and the bucket, with the tokens already taken
            assertThat(b.post("/v1/buckets/gs:k/acquire", Map.of("tokens", 1))
                            .json()
                            .get("remaining")
                            .asLong())
                    .isZero();
        }
    }
}
