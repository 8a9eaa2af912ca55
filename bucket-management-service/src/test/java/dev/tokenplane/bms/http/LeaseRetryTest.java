package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.ForwardingBucketStore;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 5: a retried release credits once. Below HTTP, Hazelcast resends an invocation whose member left
 * (a {@code MemberLeftException} is retryable) even when that member had applied it and its backup holds the result;
 * the store here resends every credit the same way. Above it, a caller resends a release whose answer it lost.
 */
class LeaseRetryTest {
    private static BmsNode node;
    private static Api api;
    private static final AtomicInteger CREDITS = new AtomicInteger();

    /** Sends every credit twice, one after the other, with the same arguments: a retried invocation. */
    private static final class ResentCredits extends ForwardingBucketStore {
        ResentCredits(BucketStore delegate) {
            super(delegate);
        }

        @Override
        public CompletionStage<Long> credit(String key, long nanotokens, long transferId) {
            CREDITS.incrementAndGet();
            return delegate.credit(key, nanotokens, transferId)
                    .thenCompose(first -> delegate.credit(key, nanotokens, transferId));
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(
                TestSettings.member().build(), BmsOptions.CORE.withStore(ResentCredits::new), InstantSource.system());
        api = new Api(node.url(), node.adminToken());
        // a refill of one token in about 11 days: what the test sees in the bucket is what it took and gave back
        assertThat(api.put("/v1/rules/retry", Map.of("match", "retry:*", "capacity", 1000, "refillPerSecond", 0.000001))
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    private static long tokens(String key) {
        return api.get("/v1/buckets/" + key).json().get("tokens").asLong();
    }

    @Test
    void shouldCreditARetriedReleaseOnce() {
        // Given a lease of 300 tokens, and 600 more taken: 100 left
        Api.Response leased = api.post("/v1/buckets/retry:a/lease", Map.of("tokens", 300));
        assertThat(leased.status()).as("%s", leased).isEqualTo(200);
        String leaseId = leased.json().get("leaseId").asText();
        assertThat(api.post("/v1/buckets/retry:a/acquire", Map.of("tokens", 600))
                        .status())
                .isEqualTo(200);
        assertThat(tokens("retry:a")).isEqualTo(100);

        // When the release is sent twice, identical, and its credit is resent below HTTP
        Map<String, Object> release = Map.of("leaseId", leaseId, "tokens", 300);
        Api.Response first = api.post("/v1/buckets/retry:a/release", release);
        Api.Response again = api.post("/v1/buckets/retry:a/release", release);

        // Then the bucket is credited once: 100 + 300, not 100 + 600
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.json().get("accepted").asDouble()).isEqualTo(300.0);
        assertThat(CREDITS.get()).as("the credit was resent").isEqualTo(1);
        assertThat(again.status()).as("the lease is over").isEqualTo(404);
        assertThat(tokens("retry:a")).isEqualTo(400);
    }
}
