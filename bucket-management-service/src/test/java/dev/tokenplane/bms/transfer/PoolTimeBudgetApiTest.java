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
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pool's own time budget for a borrow ({@code borrowBudget.timeBudgetMs}), set over HTTP on a real member (embedded
 * Hazelcast, the Hazelcast store) whose member-wide budget is the default 2 ms and whose store answers 200 ms late.
 */
class PoolTimeBudgetApiTest {
    /** How late each transfer step answers: 100 times the member's budget, a 25th of the pool's. */
    private static final long LATE_MILLIS = 200;

    private static final FakeClock CLOCK = new FakeClock();
    private static FaultyBucketStore store;
    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        // The member's default budget (2 ms); slow transfers do not open the breaker in this test
        Pools.FaultyMember member = Pools.startFaulty(
                CLOCK,
                TransferFeature.Options.defaults()
                        .withBreaker(b -> b.slowCallDurationThreshold(Duration.ofSeconds(10))));
        node = member.node();
        store = member.store();
        api = member.api();
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @Test
    void shouldWaitForASlowBorrowOnlyWithThePoolsOwnTimeBudget() throws Exception {
        // Given a pool that borrows just its shortfall, with an emptied bucket, on a store that answers 200 ms late
        rule(api, "tt");
        Api.Response set = api.put("/v1/pools/tt/settings", Map.of("borrowBudget", Map.of("borrowAhead", 1)));
        assertThat(set.status()).as(set.toString()).isEqualTo(201);
        assertThat(set.json().get("borrowBudget").get("timeBudgetMs").isNull()).isTrue();
        acquire(api, "tt:idle");
        acquire(api, "tt:hot");
        awaitView(api, "tt");
        assertThat(hammer(List.of(api), "tt:hot", (int) CAPACITY - 1).borrowed())
                .isZero();
        Pools.awaitQuiet(store::stepCalls);
        store.answerLate(LATE_MILLIS);

        // When the bucket asks for more than it holds with the member's budget of 2 ms
        long held = Pools.tokens(api, "tt:hot");
        JsonNode denied = api.post("/v1/buckets/tt:hot/acquire", Map.of("tokens", held + 1))
                .json();

        // Then the borrow runs out of time and the acquire is denied
        assertThat(denied.get("granted").asBoolean()).as(denied.toString()).isFalse();
        assertThat(denied.get("borrowed").asLong()).isZero();

        // When the pool gets a time budget of its own, 5 s (the late transfer and the tick settle first)
        Pools.awaitQuiet(store::stepCalls);
        Api.Response patient = api.put(
                "/v1/pools/tt/settings", Map.of("borrowBudget", Map.of("borrowAhead", 1, "timeBudgetMs", 5_000)));
        assertThat(patient.status()).as(patient.toString()).isEqualTo(200);
        assertThat(pool(api, "tt")
                        .get("settings")
                        .get("borrowBudget")
                        .get("timeBudgetMs")
                        .asDouble())
                .isEqualTo(5_000);

        // Then the same ask waits for the slow borrow and is granted
        held = Pools.tokens(api, "tt:hot");
        assertThat(pool(api, "tt").get("spare").asDouble()).isGreaterThan(1);
        JsonNode granted = api.post("/v1/buckets/tt:hot/acquire", Map.of("tokens", held + 1))
                .json();
        assertThat(granted.get("granted").asBoolean()).as(granted.toString()).isTrue();
        assertThat(granted.get("borrowed").asLong()).isPositive();
        store.answerLate(0);
    }
}
