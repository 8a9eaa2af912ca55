package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real member over real HTTP answering a hot key from its lease on the event loop ({@code acquireNow}, no future
 * chain): the answers are the contract's decision bodies, and every decision is still counted in
 * {@code bms_decisions_total} and timed in {@code bms_decision_latency}, local or not.
 */
class HotKeyHttpTest {
    private static final int REQUESTS = 600;
    private static final long CAPACITY = 1_000_000;

    @Test
    void localAnswersAreWholeDecisionsAndAreCountedAndTimed() throws Exception {
        try (TestCluster cluster = new TestCluster(1)) {
            cluster.settings(0).with("BMS_HOT_KEY_RATE", "20").with("BMS_HOT_KEY_LEASE_MS", "100");
            cluster.start(0);
            Api api = cluster.api(0);
            api.put("/v1/rules/hk", Map.of("match", "hk:*", "capacity", CAPACITY, "refillPerSecond", 1_000));
            Await.until(() -> api.get("/v1/rules/hk").status() == 200);
            // Warm the key up until the member answers it from a lease. A key is promoted after a whole window of
            // requests (100 ms), so how many requests go to the owner first depends on how fast they come (on a
            // fast run, a third of 600), which is not what this test is about.
            int warmUp = 0;
            while (api.metric("bms_hot_key_local_grants_total") == 0) {
                assertThat(api.post("/v1/buckets/hk:one/acquire", Map.of("tokens", 1))
                                .status())
                        .isEqualTo(200);
                assertThat(++warmUp).as("requests before the key is hot").isLessThan(100_000);
            }
            double localBefore = api.metric("bms_hot_key_local_grants_total");
            double timedBefore = timedOverHttp(api);

            for (int i = 0; i < REQUESTS; i++) {
                Api.Response r = api.post("/v1/buckets/hk:one/acquire", Map.of("tokens", 1));
                assertThat(r.status()).as(r.toString()).isEqualTo(200);
                JsonNode d = r.json();
                assertThat(d.get("key").asText()).isEqualTo("hk:one");
                assertThat(d.get("granted").asBoolean()).isTrue();
                assertThat(d.get("tokens").asLong()).isEqualTo(1);
                assertThat(d.get("remaining").asLong()).isBetween(CAPACITY - (warmUp + REQUESTS) * 2L, CAPACITY);
                assertThat(d.get("capacity").asLong()).isEqualTo(CAPACITY);
                assertThat(d.get("refillPerSecond").asDouble()).isEqualTo(1_000d);
                assertThat(d.get("waitMs").asLong()).isZero();
                assertThat(d.get("retryAfterMs").asLong()).isZero();
                assertThat(d.get("ruleId").asText()).isEqualTo("hk");
            }

            assertThat(api.metric("bms_hot_key_local_grants_total") - localBefore)
                    .as("most answers came from the member's lease")
                    .isGreaterThan(REQUESTS / 2d);
            String metrics = api.getAnonymous("/metrics").body();
            assertThat(metrics)
                    .contains("bms_decisions_total{outcome=\"granted\",rule=\"hk\"} " + (warmUp + REQUESTS) + ".0");
            assertThat(timedOverHttp(api) - timedBefore)
                    .as("every decision timed")
                    .isEqualTo(REQUESTS);
        }
    }

    /** {@code bms_decision_latency_seconds_count{transport="http"}}: the HTTP decisions timed so far. */
    private static double timedOverHttp(Api api) {
        String name = "bms_decision_latency_seconds_count{transport=\"http\"} ";
        for (String line : api.getAnonymous("/metrics").body().split("\n")) {
            if (line.startsWith(name)) {
                return Double.parseDouble(line.substring(name.length()).trim());
            }
        }
        throw new AssertionError("no metric " + name);
    }
}
