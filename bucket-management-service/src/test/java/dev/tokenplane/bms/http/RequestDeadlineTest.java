package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.ForwardingBucketStore;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 4: every store call of a request has a deadline ({@code BMS_REQUEST_TIMEOUT_MS}). The store here
 * never answers for keys under {@code hang:}, as a member that is paused or cut off never answers; every request on
 * such a key is answered 503 {@code unavailable} with {@code Retry-After} (the test client gives up after 30 s, so a
 * request that hangs fails the test), and the other keys are served as usual.
 */
class RequestDeadlineTest {
    private static BmsNode node;
    private static Api api;

    /** Never completes a call on a key under {@code hang:}. */
    private static final class HangingStore extends ForwardingBucketStore {
        HangingStore(BucketStore delegate) {
            super(delegate);
        }

        private static boolean hangs(String key) {
            return key.startsWith("hang:");
        }

        @Override
        public CompletionStage<AcquireResult> acquire(String key, BucketSpec spec, long tokens, long maxWaitMs) {
            return hangs(key) ? new CompletableFuture<>() : delegate.acquire(key, spec, tokens, maxWaitMs);
        }

        @Override
        public CompletionStage<List<AcquireResult>> acquireAll(List<AcquireCommand> commands) {
            return commands.stream().anyMatch(c -> hangs(c.key()))
                    ? new CompletableFuture<>()
                    : delegate.acquireAll(commands);
        }

        @Override
        public CompletionStage<Optional<BucketState>> get(String key) {
            return hangs(key) ? new CompletableFuture<>() : delegate.get(key);
        }

        @Override
        public CompletionStage<Map<String, BucketState>> getAll(Collection<String> keys) {
            return keys.stream().anyMatch(HangingStore::hangs) ? new CompletableFuture<>() : delegate.getAll(keys);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(
                TestSettings.member().with("BMS_REQUEST_TIMEOUT_MS", "300").build(),
                BmsOptions.CORE.withStore(HangingStore::new),
                InstantSource.system());
        api = new Api(node.url(), node.adminToken());
        assertThat(api.put("/v1/rules/deadline", Map.of("match", "hang:*", "capacity", 10, "refillPerSecond", 10))
                        .status())
                .isEqualTo(201);
        assertThat(api.put("/v1/rules/alive", Map.of("match", "alive:*", "capacity", 10, "refillPerSecond", 10))
                        .status())
                .isEqualTo(201);
        warmUp();
    }

    /**
     * The first call to a fresh member assigns its partitions, which can take longer than the 300 ms deadline on a
     * loaded machine: retry one alive key until it answers, so the tests measure the deadline, not the cold start.
     */
    private static void warmUp() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (api.send("POST", "/v1/buckets/alive:warm-up/acquire", Map.of("tokens", 1), false)
                        .status()
                != 200) {
            assertThat(System.nanoTime()).as("alive keys answer within 30 s").isLessThan(deadline);
        }
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    private static void assertUnavailable(Api.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(503);
        assertThat(r.json().get("error").asText()).isEqualTo("unavailable");
        assertThat(r.json().get("message").asText()).contains("did not answer within 300 ms");
        assertThat(r.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void shouldAnswerEveryRequestPathCallThatPassesItsDeadlineWith503() {
        assertUnavailable(api.send("POST", "/v1/buckets/hang:a/acquire", Map.of("tokens", 1), false));
        assertUnavailable(api.send(
                "POST",
                "/v1/acquire",
                Map.of("requests", List.of(Map.of("key", "hang:b"), Map.of("key", "alive:b"))),
                false));
        assertUnavailable(api.post("/v1/buckets/hang:c/lease", Map.of("tokens", 1)));
        assertUnavailable(api.get("/v1/buckets/hang:d"));
    }

    @Test
    void shouldServeTheKeysWhoseStoreAnswers() {
        assertThat(api.send("POST", "/v1/buckets/alive:a/acquire", Map.of("tokens", 1), false)
                        .status())
                .isEqualTo(200);
        assertThat(api.get("/v1/buckets/alive:a").status()).isEqualTo(200);
    }
}
