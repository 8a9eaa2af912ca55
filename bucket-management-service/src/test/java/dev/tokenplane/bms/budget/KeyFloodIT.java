package dev.tokenplane.bms.budget;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.BmsProcess;
import dev.tokenplane.bms.support.KeyFlood;
import dev.tokenplane.bms.support.WellBehavedClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: a member in its own JVM with a 256 MB heap receives a flood of distinct keys through the batch endpoint
 * (batches of 1,000 from 3 threads) and stays alive and inside its heap: new keys past its budget (the default, derived
 * from the heap) get {@code bucket_budget_exhausted}, existing keys keep exact admission. The default build sends
 * {@value #DEFAULT_KEYS} keys (past the budget of about 62,000); {@code -Psoak} sends 2,000,000
 * ({@code -Dflood.keys=...}).
 */
class KeyFloodIT {
    static final long DEFAULT_KEYS = 200_000;
    static final long GOOD_CAPACITY = 200;
    static final double GOOD_REFILL = 1;
    /** Hazelcast's partition threads on this machine, at most: how far a recount race can overshoot. */
    static final long SLACK = Math.max(2, Runtime.getRuntime().availableProcessors());

    @Test
    void shouldStayAliveInsideItsHeapAndExactUnderAFloodOfDistinctKeys() throws Exception {
        long keys = Long.getLong("flood.keys", DEFAULT_KEYS);
        Path rules = KeyFlood.rulesFile(GOOD_CAPACITY, GOOD_REFILL);
        try (BmsProcess bms = BmsProcess.start(
                "256m",
                Map.of(
                        "BMS_RULES_FILE",
                        rules.toString(),
                        // the budget alone: the per-client edge limit would answer most batches 429
                        // (ClientRefusalLimitApiTest)
                        "BMS_CLIENT_REFUSALS_PER_SECOND",
                        "0",
                        // a batch of 1,000 new keys can take over the default 2 s on a loaded 2-core machine (11 of 200
                        // batches did, at a load average of 20); the deadline is RequestDeadlineTest's, not this test's
                        "BMS_REQUEST_TIMEOUT_MS",
                        "30000"))) {
            Api api = bms.api();
            long limit = (long) api.metric("bms_bucket_budget_limit");
            assertThat(limit).as("the default budget of a 256 MB heap").isBetween(50_000L, 70_000L);

            // Given a well-behaved client on its own key, created before the flood
            WellBehavedClient good = new WellBehavedClient(bms.url(), "good:alice", null);

            // When the flood sends its keys
            long start = System.nanoTime();
            KeyFlood flood = new KeyFlood().run(bms.url(), "flood:", keys, 3);
            double seconds = (System.nanoTime() - start) / 1e9;

            // Then the member is alive and answered every item: a decision until its budget, then the documented error
            assertThat(bms.isAlive()).as("member alive; output:\n%s", tail(bms)).isTrue();
            assertThat(flood.failedBatches.get())
                    .as("failed batches, last: %s", flood.lastProblem())
                    .isZero();
            assertThat(flood.otherErrors.get())
                    .as("other item errors, last: %s", flood.lastProblem())
                    .isZero();
            assertThat(flood.decided.get() + flood.refused.get())
                    .isEqualTo(flood.sent.get())
                    .isGreaterThan(keys - 3);
            // (a recount racing with a creation in flight may let one bucket per partition thread past the limit)
            assertThat(flood.decided.get()).as("new buckets created").isBetween(limit - 1, limit - 1 + SLACK);
            assertThat((long) api.metric("bms_bucket_budget_used")).isBetween(limit, limit + SLACK);

            // And the existing keys kept exact admission: the well-behaved key, and a flood key created early
            good.assertExactAdmission(GOOD_CAPACITY, GOOD_REFILL);
            for (int i = 0; i < 4; i++) {
                assertThat(api.post("/v1/buckets/flood:0:0/acquire", "{}")
                                .json()
                                .get("granted")
                                .asBoolean())
                        .isTrue();
            }
            assertThat(api.post("/v1/buckets/flood:0:0/acquire", "{}")
                            .json()
                            .get("granted")
                            .asBoolean())
                    .isFalse();

            // And it is inside its heap, with room to spare
            long heap = bms.heapUsedAfterGc();
            System.out.printf(
                    "KeyFloodIT: %d keys in %.1f s (%.0f keys/s), budget %d, heap after GC %d MB, "
                            + "well-behaved grants %d of %d decisions%n",
                    keys, seconds, keys / seconds, limit, heap >> 20, good.granted(), good.decisions());
            assertThat(heap).isLessThan(200L << 20);
            assertThat(bms.output()).doesNotContain("OutOfMemoryError").contains("Bucket budget spent");
        }
    }

    private static String tail(BmsProcess bms) {
        String out = bms.output();
        return out.substring(Math.max(0, out.length() - 4000));
    }
}
