package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.transfer.Pools.CAPACITY;
import static dev.tokenplane.bms.transfer.Pools.REFILL_PER_SECOND;
import static dev.tokenplane.bms.transfer.Pools.acquire;
import static dev.tokenplane.bms.transfer.Pools.awaitView;
import static dev.tokenplane.bms.transfer.Pools.hammer;
import static dev.tokenplane.bms.transfer.Pools.hammerWhile;
import static dev.tokenplane.bms.transfer.Pools.member;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.rule;
import static dev.tokenplane.bms.transfer.Pools.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transfer protocol end to end over HTTP, on a real member (embedded Hazelcast, the Hazelcast store) whose clock
 * is a fake one: buckets refill only when a test moves the clock, so every bound is exact. Each test has its own pool.
 */
class PoolTransfersApiTest {
    private static final FakeClock CLOCK = new FakeClock();
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

    /** What each bucket refilled since {@code since}, in whole tokens or more. */
    private static double refillSince(long since) {
        return REFILL_PER_SECOND * (CLOCK.millis() - since) / 1000.0;
    }

    @Test
    void shouldGrantAHammeredBucketMoreThanItsOwnWhileThePoolStaysWithinItsBound() throws Exception {
        // Given a pool of two buckets of 20, one idle, both seen by a tick
        long start = CLOCK.millis();
        rule(api, "hp");
        acquire(api, "hp:idle");
        acquire(api, "hp:hot");
        awaitView(api, "hp");
        CLOCK.advance(1_000);

        // When one bucket is hammered (and the tick's top-ups it triggered have finished)
        Pools.Hammered hot = hammer(List.of(api), "hp:hot", 100);
        awaitQuiet();

        // Then it is granted more than its own capacity plus refill, with tokens the protocol supplied
        double refill = refillSince(start);
        int hotGranted = 1 + hot.granted();
        assertThat(hotGranted).isGreaterThan((int) (CAPACITY + refill));
        assertThat(hot.borrowed()).isPositive();
        // And the pool as a whole never grants more than its buckets' capacity plus their refill
        int poolGranted = hotGranted + 1;
        assertThat((double) poolGranted).isLessThanOrEqualTo(2 * (CAPACITY + refill));
        // And the pool's figures agree: what the idle one lent, the hot one borrowed, at least the excess it was
        // granted
        JsonNode pool = pool(api, "hp");
        double lent = member(pool, "hp:idle").get("lent").asDouble();
        assertThat(lent)
                .isEqualTo(member(pool, "hp:hot").get("borrowed").asDouble())
                .isEqualTo(pool.get("lent").asDouble())
                .isEqualTo(pool.get("borrowed").asDouble())
                .isGreaterThanOrEqualTo(hotGranted - CAPACITY - refill);
        assertThat(pool.get("coordinator").asBoolean()).isTrue();
        assertThat(pool.get("breaker").asText()).isEqualTo("closed");
        assertThat(pool.get("transfers").get("ok").asLong()).isPositive();
        assertThat(tokens(api, "hp:idle")).isEqualTo((long) (CAPACITY - 1 + refill - lent));
    }

    @Test
    void shouldPlaceServerBucketsInTheirAgentsRegionsAndBorrowWithinTheRegionFirst() throws Exception {
        // Given one rule for the pool's server buckets, naming no region, and three servers whose agents report
        // two regions: rp-eu-1 and rp-eu-2 in eu, rp-us-1 in us
        Api.Response rule = api.put(
                "/v1/rules/rp",
                Map.of(
                        "match",
                        "server/rp-*",
                        "capacity",
                        CAPACITY,
                        "refillPerSecond",
                        REFILL_PER_SECOND,
                        "transfer",
                        Map.of("pool", "rp", "canBorrow", true, "canLend", true, "reserveFraction", 0)));
        assertThat(rule.status()).as(rule.toString()).isEqualTo(201);
        Map<String, String> regions = Map.of("rp-eu-1", "eu", "rp-eu-2", "eu", "rp-us-1", "us");
        regions.forEach((server, region) -> {
            assertThat(api.post("/v1/agents/" + server + "/reports", Map.of("region", region, "cpu", 0.2))
                            .status())
                    .isEqualTo(202);
            acquire(api, "server%2F" + server);
        });
        Await.until(() -> pool(api, "rp").get("members").size() == 3);

        // Then each bucket is in its server's region
        JsonNode view = pool(api, "rp");
        regions.forEach((server, region) -> assertThat(
                        member(view, "server/" + server).get("region").asText())
                .as(server)
                .isEqualTo(region));

        // When the eu-1 bucket needs more than its own, but less than its region's other bucket can spare
        Pools.Hammered hot = hammer(List.of(api), "server%2Frp-eu-1", (int) CAPACITY + 10);
        awaitQuiet();

        // Then it borrowed, all of it from the lender in its own region
        assertThat(hot.borrowed()).isPositive();
        JsonNode after = pool(api, "rp");
        assertThat(member(after, "server/rp-eu-2").get("lent").asDouble()).isPositive();
        assertThat(member(after, "server/rp-us-1").get("lent").asDouble()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rule", "override", "pool"})
    void shouldStopLendingAtOnceWhenAnOperatorSwitchesItOff(String where) throws Exception {
        // Given a pool whose hammered bucket has just borrowed from the idle one
        String pool = "off-" + where;
        rule(api, pool);
        acquire(api, pool + ":idle");
        acquire(api, pool + ":hot");
        awaitView(api, pool);
        Pools.Hammered before = hammerWhile(List.of(api), pool + ":hot", 60, h -> h.borrowed() == 0);
        assertThat(before.borrowed()).as("lending works before the switch").isPositive();

        // When the operator switches lending off
        Api.Response off = switch (where) {
            case "rule" ->
                api.put(
                        "/v1/rules/" + pool,
                        Map.of(
                                "match",
                                pool + ":*",
                                "capacity",
                                CAPACITY,
                                "refillPerSecond",
                                REFILL_PER_SECOND,
                                "transfer",
                                Map.of("pool", pool, "canBorrow", true, "canLend", false, "reserveFraction", 0)));
            case "override" ->
                api.put(
                        "/v1/buckets/" + pool + ":idle/override",
                        Map.of(
                                "capacity",
                                CAPACITY,
                                "refillPerSecond",
                                REFILL_PER_SECOND,
                                "transfer",
                                Map.of("canLend", false)));
            default -> api.put("/v1/pools/" + pool + "/settings", Map.of("canLend", false));
        };
        assertThat(off.status()).as(off.toString()).isIn(200, 201);
        awaitQuiet(); // a top-up the tick planned before the switch may still be on its way
        long idle = tokens(api, pool + ":idle");
        long own = tokens(api, pool + ":hot");
        double lent = pool(api, pool).get("lent").asDouble();

        // Then the next decisions use the hammered bucket's own tokens only
        Pools.Hammered after = hammer(List.of(api), pool + ":hot", 30);
        assertThat(after.borrowed()).isZero();
        assertThat((long) after.granted()).isEqualTo(own);
        assertThat(tokens(api, pool + ":idle")).isEqualTo(idle);
        JsonNode view = pool(api, pool);
        assertThat(view.get("lent").asDouble()).isEqualTo(lent);
        assertThat(member(view, pool + ":idle").get("canLend").asBoolean()).isFalse();
    }

    @Test
    void shouldOpenTheBreakerUnderStoreFailuresAndFallBackToOwnTokens() throws Exception {
        // Given a pool whose lender's member starts failing every transfer step
        rule(api, "brk");
        acquire(api, "brk:idle");
        acquire(api, "brk:hot");
        awaitView(api, "brk");
        store.lose(StoreKey.scoped("brk:idle", "brk", null).encode()); // where the bucket lives: key and rule

        // When the hammered bucket keeps borrowing
        Await.until(() -> {
            hammer(List.of(api), "brk:hot", 5);
            return pool(api, "brk").get("breaker").asText().equals("open");
        });

        // Then the breaker is open, after failed transfers, in the pool's figures and in the metrics
        JsonNode pool = pool(api, "brk");
        assertThat(pool.get("transfers").get("failed").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(metrics())
                .contains(
                        "bms_breaker_state{pool=\"brk\",state=\"open\"} 1.0",
                        "bms_breaker_state{pool=\"brk\",state=\"closed\"} 0.0");

        // And once the failed transfers have settled (their fences retry in the background for a few milliseconds),
        // decisions use the bucket's own tokens: its refill is granted, nothing is borrowed, no transfer is tried
        awaitQuiet();
        int steps = store.stepCalls();
        long notAttempted =
                pool(api, "brk").get("transfers").path("breaker_open").asLong();
        long held = tokens(api, "brk:hot");
        CLOCK.advance(2_000);
        Pools.Hammered own = hammer(List.of(api), "brk:hot", 10);
        assertThat((long) own.granted()).isEqualTo(held + 2);
        assertThat(own.borrowed()).isZero();
        assertThat(store.stepCalls()).isEqualTo(steps);
        assertThat(pool(api, "brk").get("transfers").get("breaker_open").asLong())
                .isGreaterThan(notAttempted);
        assertThat(metrics()).containsPattern("bms_transfers_total\\{outcome=\"breaker_open\",pool=\"brk\"} [1-9]");

        // And once the store is back and the breaker's wait is over, its probes close it again
        store.restore(StoreKey.scoped("brk:idle", "brk", null).encode());
        CLOCK.advance(5_000);
        Await.until(() -> {
            hammer(List.of(api), "brk:hot", 3);
            return pool(api, "brk").get("breaker").asText().equals("closed");
        });
        assertThat(metrics()).contains("bms_breaker_state{pool=\"brk\",state=\"closed\"} 1.0");
    }

    @Test
    void shouldValidateAndPersistPoolSettings() {
        Api.Response bad = api.put("/v1/pools/ps/settings", Map.of("reserveFraction", 1.5));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("validation");
        assertThat(bad.json().get("message").asText()).contains("reserveFraction must be in [0, 1]");
        assertThat(api.put("/v1/pools/ps/settings", Map.of("weight", 2, "lend", false))
                        .json()
                        .get("message")
                        .asText())
                .contains("unknown field 'lend'");
        assertThat(api.get("/v1/pools/ps").status()).isEqualTo(404);
        assertThat(api.getAnonymous("/v1/pools/ps").status()).isEqualTo(401);

        Api.Response created = api.put("/v1/pools/ps/settings", Map.of("weight", 2, "canBorrow", false));
        Api.Response replaced = api.put("/v1/pools/ps/settings", Map.of("reserveFraction", 0.5));

        assertThat(created.status()).isEqualTo(201);
        assertThat(replaced.status()).isEqualTo(200);
        JsonNode settings = pool(api, "ps").get("settings");
        assertThat(settings.get("reserveFraction").asDouble()).isEqualTo(0.5);
        assertThat(settings.get("weight").isNull()).isTrue();
        assertThat(settings.get("version").asLong()).isEqualTo(2);
        assertThat(api.delete("/v1/pools/ps/settings").status()).isEqualTo(204);
        assertThat(api.delete("/v1/pools/ps/settings").status()).isEqualTo(404);
    }

    private static void awaitQuiet() throws InterruptedException {
        Pools.awaitQuiet(store::stepCalls);
    }

    private static String metrics() {
        return api.getAnonymous("/metrics").body();
    }
}
