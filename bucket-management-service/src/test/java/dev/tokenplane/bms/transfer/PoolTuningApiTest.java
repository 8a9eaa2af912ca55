package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.transfer.Pools.CAPACITY;
import static dev.tokenplane.bms.transfer.Pools.acquire;
import static dev.tokenplane.bms.transfer.Pools.awaitView;
import static dev.tokenplane.bms.transfer.Pools.hammer;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pool's breaker thresholds and borrow budget (its time budget included), set over HTTP on a real member (embedded
 * Hazelcast, the Hazelcast store, a fake clock so that buckets refill only when a test says so): validated, persisted,
 * audited, and applied to the next transfer.
 */
class PoolTuningApiTest {
    private static final FakeClock CLOCK = new FakeClock();
    /** How late each transfer step answers in the time budget test. */
    private static final long LATE_MILLIS_FOR_A_2_MS_BUDGET = 200;

    private static FaultyBucketStore store;
    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        Pools.FaultyMember member = Pools.startFaulty(CLOCK);
        node = member.node();
        store = member.store();
        api = member.api();
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @Test
    void shouldOpenTheBreakerAfterThePoolsOwnNumberOfFailures() throws Exception {
        // Given a pool whose breaker judges its last 2 transfers, and whose lender's member fails every step
        rule(api, "tb");
        Api.Response set = api.put(
                "/v1/pools/tb/settings", Map.of("breaker", Map.of("slidingWindowSize", 2, "minimumNumberOfCalls", 2)));
        assertThat(set.status()).as(set.toString()).isEqualTo(201);
        assertThat(set.json().get("breaker").get("minimumNumberOfCalls").asInt())
                .isEqualTo(2);
        acquire(api, "tb:idle");
        acquire(api, "tb:hot");
        awaitView(api, "tb");
        store.lose(StoreKey.scoped("tb:idle", "tb", null).encode());

        // When the hammered bucket keeps borrowing
        Await.until(() -> {
            hammer(List.of(api), "tb:hot", 1);
            return pool(api, "tb").get("breaker").asText().equals("open");
        });

        // Then the breaker opened after fewer failed transfers than the default window needs before judging at all
        long failed = pool(api, "tb").get("transfers").get("failed").asLong();
        assertThat(failed).isBetween(2L, (long) PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS - 1);

        // And new thresholds build the pool's breaker anew: closed again for the next transfer
        store.restore(StoreKey.scoped("tb:idle", "tb", null).encode());
        Pools.awaitQuiet(store::stepCalls);
        assertThat(api.put("/v1/pools/tb/settings", Map.of("breaker", Map.of("failureRateThreshold", 90)))
                        .status())
                .isEqualTo(200);
        Pools.Hammered after = hammer(List.of(api), "tb:hot", 1);
        assertThat(after.borrowed()).isPositive();
        assertThat(pool(api, "tb").get("breaker").asText()).isEqualTo("closed");
        // and the gauge follows the new breaker
        assertThat(api.getAnonymous("/metrics").body())
                .contains(
                        "bms_breaker_state{pool=\"tb\",state=\"closed\"} 1.0",
                        "bms_breaker_state{pool=\"tb\",state=\"open\"} 0.0");
    }

    @Test
    void shouldCapWhatOneBorrowTakesAtThePoolsBudget() throws Exception {
        // Given two pools, one with a borrow budget of at most 2 tokens per borrow, each with an emptied bucket
        for (String pool : List.of("bb", "bb0")) {
            rule(api, pool);
            acquire(api, pool + ":idle");
            acquire(api, pool + ":hot");
            awaitView(api, pool);
        }
        Api.Response set = api.put("/v1/pools/bb/settings", Map.of("borrowBudget", Map.of("maxTokens", 2)));
        assertThat(set.status()).as(set.toString()).isEqualTo(201);
        for (String pool : List.of("bb", "bb0")) {
            assertThat(hammer(List.of(api), pool + ":hot", (int) CAPACITY - 1).borrowed())
                    .isZero();
        }

        // When each emptied bucket asks for 2 tokens
        JsonNode unbudgeted =
                api.post("/v1/buckets/bb0:hot/acquire", Map.of("tokens", 2)).json();
        JsonNode budgeted =
                api.post("/v1/buckets/bb:hot/acquire", Map.of("tokens", 2)).json();

        // Then both borrow and are granted; the bucket without a budget borrowed 4 times its shortfall (6 left after
        // the grant), the budgeted one its budget of 2 (nothing left; the tick may top a bucket under demand up by
        // its unserved 2 tokens, no more)
        assertThat(unbudgeted.get("granted").asBoolean()).isTrue();
        assertThat(budgeted.get("granted").asBoolean()).isTrue();
        assertThat(unbudgeted.get("remaining").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(budgeted.get("remaining").asLong()).isLessThanOrEqualTo(2);

        // And once the tick is done with them, an ask short by more than the budget borrows nothing, though the pool
        // has the tokens to spare; without a budget the same ask borrows
        Pools.awaitQuiet(store::stepCalls);
        for (String pool : List.of("bb", "bb0")) {
            long held = Pools.tokens(api, pool + ":hot");
            JsonNode d = api.post("/v1/buckets/" + pool + ":hot/acquire", Map.of("tokens", held + 3))
                    .json();
            assertThat(pool(api, pool).get("spare").asDouble()).isGreaterThan(3);
            assertThat(d.get("granted").asBoolean()).as(pool).isEqualTo(pool.equals("bb0"));
            if (pool.equals("bb0")) {
                assertThat(d.get("borrowed").asLong()).isGreaterThanOrEqualTo(3);
            } else {
                assertThat(d.get("borrowed").asLong()).isZero();
            }
        }
    }

    @Test
    void shouldRefuseThresholdsOutOfRangeNamingTheFieldAndAuditEveryWrite() {
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("breaker", Map.of("failureRateThreshold", 0)),
                "breaker.failureRateThreshold must be in (0, 100], was 0.0",
                Map.of("breaker", Map.of("slidingWindowSize", 2, "minimumNumberOfCalls", 3)),
                "breaker.minimumNumberOfCalls must be at most slidingWindowSize (2), was 3",
                Map.of("breaker", Map.of("waitDurationInOpenStateMs", 0)),
                "breaker.waitDurationInOpenStateMs must be in [1, 3600000], was 0",
                Map.of("borrowBudget", Map.of("maxTokens", -1)),
                "borrowBudget.maxTokens must be in (0, 1000000000], was -1.0",
                Map.of("borrowBudget", Map.of("borrowAhead", 0.5)),
                "borrowBudget.borrowAhead must be in [1, 1000], was 0.5",
                Map.of("borrowBudget", Map.of("timeBudgetMs", 0)),
                "borrowBudget.timeBudgetMs must be in (0, 10000], was 0.0",
                Map.of("borrowBudget", Map.of("timeBudgetMs", 20_000)),
                "borrowBudget.timeBudgetMs must be in (0, 10000], was 20000.0",
                Map.of("breaker", Map.of("failureRate", 50)),
                "unknown field 'breaker.failureRate'");
        bad.forEach((body, message) -> {
            Api.Response r = api.put("/v1/pools/tv/settings", body);
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("validation");
            assertThat(r.json().get("message").asText()).isEqualTo(message);
        });
        assertThat(api.get("/v1/pools/tv").status()).as("nothing was stored").isEqualTo(404);

        Map<String, Object> tuning = Map.of(
                "breaker",
                Map.of("failureRateThreshold", 25, "waitDurationInOpenStateMs", 1_000),
                "borrowBudget",
                Map.of("maxTokens", 3.5));
        assertThat(api.put("/v1/pools/tv/settings", tuning).status()).isEqualTo(201);
        JsonNode stored = pool(api, "tv").get("settings");
        assertThat(stored.get("breaker").get("failureRateThreshold").asDouble()).isEqualTo(25);
        assertThat(stored.get("breaker").get("waitDurationInOpenStateMs").asLong())
                .isEqualTo(1_000);
        assertThat(stored.get("breaker").get("slidingWindowSize").isNull()).isTrue();
        assertThat(stored.get("borrowBudget").get("maxTokens").asDouble()).isEqualTo(3.5);

        // And every write, refused or not, is in the audit log
        Await.until(() -> {
            JsonNode records = api.get("/v1/audit?limit=1000").json().get("records");
            long refused = 0;
            long created = 0;
            for (JsonNode r : records) {
                if (r.get("path").asText().equals("/v1/pools/tv/settings")) {
                    refused += r.get("status").asInt() == 400 ? 1 : 0;
                    created += r.get("status").asInt() == 201 ? 1 : 0;
                }
            }
            return refused == bad.size() && created == 1;
        });
    }

    @Test
    void shouldWaitForASlowBorrowOnlyWithThePoolsOwnTimeBudget() throws Exception {
        // A member of its own, with the default member-wide budget of 2 ms (slow transfers do not open its breaker)
        Pools.FaultyMember member = Pools.startFaulty(
                new FakeClock(),
                TransferFeature.Options.defaults()
                        .withBreaker(b -> b.slowCallDurationThreshold(Duration.ofSeconds(10))));
        try {
            waitForASlowBorrowOnlyWithThePoolsOwnTimeBudget(member.api(), member.store());
        } finally {
            member.node().stop();
        }
    }

    private static void waitForASlowBorrowOnlyWithThePoolsOwnTimeBudget(Api slowApi, FaultyBucketStore slowStore)
            throws Exception {
        // Given a pool that borrows just its shortfall, with an emptied bucket, on a store that answers 200 ms late
        // (100 times the member's budget, a 25th of the pool's below)
        rule(slowApi, "tt");
        Api.Response set = slowApi.put("/v1/pools/tt/settings", Map.of("borrowBudget", Map.of("borrowAhead", 1)));
        assertThat(set.status()).as(set.toString()).isEqualTo(201);
        assertThat(set.json().get("borrowBudget").get("timeBudgetMs").isNull()).isTrue();
        acquire(slowApi, "tt:idle");
        acquire(slowApi, "tt:hot");
        awaitView(slowApi, "tt");
        assertThat(hammer(List.of(slowApi), "tt:hot", (int) CAPACITY - 1).borrowed())
                .isZero();
        Pools.awaitQuiet(slowStore::stepCalls);
        slowStore.answerLate(LATE_MILLIS_FOR_A_2_MS_BUDGET);

        // When the bucket asks for more than it holds with the member's budget of 2 ms
        long held = Pools.tokens(slowApi, "tt:hot");
        JsonNode denied = slowApi.post("/v1/buckets/tt:hot/acquire", Map.of("tokens", held + 1))
                .json();

        // Then the borrow runs out of time and the acquire is denied
        assertThat(denied.get("granted").asBoolean()).as(denied.toString()).isFalse();
        assertThat(denied.get("borrowed").asLong()).isZero();

        // When the pool gets a time budget of its own, 5 s (the late transfer and the tick settle first)
        Pools.awaitQuiet(slowStore::stepCalls);
        Api.Response patient = slowApi.put(
                "/v1/pools/tt/settings", Map.of("borrowBudget", Map.of("borrowAhead", 1, "timeBudgetMs", 5_000)));
        assertThat(patient.status()).as(patient.toString()).isEqualTo(200);
        assertThat(pool(slowApi, "tt")
                        .get("settings")
                        .get("borrowBudget")
                        .get("timeBudgetMs")
                        .asDouble())
                .isEqualTo(5_000);

        // Then the same ask waits for the slow borrow and is granted
        held = Pools.tokens(slowApi, "tt:hot");
        // (the lender is left out of the spare while the late transfer is in doubt, until it settles)
        Await.until(
                () -> pool(slowApi, "tt").get("spare").asDouble() > 1,
                Duration.ofSeconds(10),
                () -> "the pool's spare never came back: " + pool(slowApi, "tt"));
        JsonNode granted = slowApi.post("/v1/buckets/tt:hot/acquire", Map.of("tokens", held + 1))
                .json();
        assertThat(granted.get("granted").asBoolean()).as(granted.toString()).isTrue();
        assertThat(granted.get("borrowed").asLong()).isPositive();
    }
}
