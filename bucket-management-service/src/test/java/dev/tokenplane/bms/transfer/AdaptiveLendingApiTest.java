package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.transfer.Pools.member;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Adaptive lending end to end on a real member (embedded Hazelcast, the sizing loop and the transfer protocol, the
 * system clock): a lender whose demand rises keeps more for itself, so a borrower gets less from it than from an idle
 * lender holding as many tokens; and a server bucket borrows only while its server could grow it (the sizing loop's
 * borrow limit).
 */
class AdaptiveLendingApiTest {
    private static final String HOT = "server/bl-hot-1";
    private static final String COOL = "server/bl-cool-1";

    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(
                TestSettings.member().with("BMS_SIZING_INTERVAL_MS", "300").build(),
                BmsOptions.CORE.withSizing(true).withTransfer(Pools.OPTIONS),
                InstantSource.system());
        api = new Api(node.url(), node.adminToken());
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @Test
    void shouldLendLessFromALenderWhoseDemandIsForecastToRise() {
        // Given a pool of two lenders of 100 tokens (adaptive, fixed at 100, Holt's forecaster, reserve 5%) that may
        // not borrow, and an emptied borrower; both lenders hold 50 tokens
        rule("adl", Map.of("pool", "ad", "canBorrow", false, "canLend", true, "reserveFraction", 0.05), true);
        rule("adb", Map.of("pool", "ad", "canBorrow", true, "canLend", false, "reserveFraction", 0), false);
        ask("adl:a-rising", 50);
        ask("adl:c-steady", 50);
        ask("adb:hot", 100);
        Await.until(() -> pool(api, "ad").get("members").size() == 3);

        // When the first lender's demand rises, tick after tick (asks of 60 tokens it cannot grant, so its tokens stay
        // as they are), until the pool's view shows its forecast and the steady one's has faded
        long firstTick = sizingTicks();
        Await.until(
                () -> {
                    long asks = 1 + sizingTicks() - firstTick;
                    for (int i = 0; i < asks; i++) {
                        assertThat(ask("adl:a-rising", 60).get("granted").asBoolean())
                                .isFalse();
                    }
                    // (the steady lender's forecast of its first 50 tokens fades over a few ticks)
                    JsonNode view = pool(api, "ad");
                    return reserve(view, "adl:c-steady") == 5 && reserve(view, "adl:a-rising") > 5;
                },
                Duration.ofSeconds(30),
                () -> "the rising lender's reserve never exceeded the steady one's: " + pool(api, "ad"));
        JsonNode before = pool(api, "ad");

        // Then the lenders hold as many tokens, but the rising one keeps its forecast demand, the steady one 5
        assertThat(tokens(api, "adl:a-rising")).isEqualTo(tokens(api, "adl:c-steady"));
        assertThat(reserve(before, "adl:c-steady")).isEqualTo(5);
        assertThat(reserve(before, "adl:a-rising")).isGreaterThan(5);

        // When the borrower asks for 40 tokens
        JsonNode borrowed = ask("adb:hot", 40);

        // Then it borrows them, less from the rising lender than from the steady one, and the rising lender keeps
        // its reserve
        assertThat(borrowed.get("granted").asBoolean()).as(borrowed.toString()).isTrue();
        // (a transfer is counted in the lenders' totals when it settles, which may be just after the answer)
        Await.until(
                () -> pool(api, "ad").get("lent").asDouble() >= 40,
                Duration.ofSeconds(10),
                () -> "the transfer never settled: " + pool(api, "ad"));
        JsonNode after = pool(api, "ad");
        double fromRising = member(after, "adl:a-rising").get("lent").asDouble();
        double fromSteady = member(after, "adl:c-steady").get("lent").asDouble();
        assertThat(fromRising).as(after.toString()).isLessThan(fromSteady);
        assertThat(fromRising + fromSteady).isGreaterThanOrEqualTo(40);
        // (the bucket's tokens are shown whole, rounded down, so the reserve is compared rounded down too)
        assertThat((double) tokens(api, "adl:a-rising"))
                .isGreaterThanOrEqualTo(Math.floor(Math.min(50, reserve(before, "adl:a-rising"))));
    }

    /**
     * The sizing loop's borrow limit: a server bucket borrows only while its server could take more load, as the
     * simulator's region-outage scenario assumes.
     */
    @Test
    void shouldLetAServerBucketBorrowOnlyWhileItsServerCouldGrow() {
        // Given a pool with an idle lender of 100 tokens, and two emptied server buckets of 100 tokens (adaptive, fixed
        // at 100) whose servers report CPU 95 % and 30 %
        rule("bll", Map.of("pool", "bl", "canBorrow", false, "canLend", true, "reserveFraction", 0), false);
        Map<String, Object> borrower = Map.of("pool", "bl", "canBorrow", true, "canLend", false, "reserveFraction", 0);
        rule("bl-hot", HOT, borrower, true);
        rule("bl-cool", COOL, borrower, true);
        assertThat(ask("bll:idle", 1).get("granted").asBoolean()).isTrue();
        assertThat(ask(HOT, 100).get("granted").asBoolean()).isTrue();
        assertThat(ask(COOL, 100).get("granted").asBoolean()).isTrue();

        // When the sizing loop has decided on both with their servers' load, and the pool's view shows its limits
        Await.until(
                () -> {
                    report("bl-hot-1", 0.95);
                    report("bl-cool-1", 0.3);
                    JsonNode view = pool(api, "bl");
                    return view.get("members").size() == 3 && limit(view, HOT) == 0 && limit(view, COOL) > 0;
                },
                Duration.ofSeconds(30),
                () -> "the pool's view never showed the limits: " + pool(api, "bl"));

        // Then the hot server's bucket borrows nothing, though the lender has plenty to spare
        JsonNode hot = ask(HOT, 5);
        assertThat(hot.get("granted").asBoolean()).as(hot.toString()).isFalse();
        assertThat(hot.get("borrowed").asLong()).isZero();
        assertThat(member(pool(api, "bl"), HOT).get("borrowed").asDouble()).isZero();

        // And the cool server's bucket borrows what it lacks
        JsonNode cool = ask(COOL, 5);
        assertThat(cool.get("granted").asBoolean()).as(cool.toString()).isTrue();
        assertThat(cool.get("borrowed").asLong()).isPositive();
    }

    /** A load report of {@code serverId} as its agent would post it. */
    private static void report(String serverId, double cpu) {
        Api.Response r = api.post(
                "/v1/agents/" + serverId + "/reports",
                Map.of("timestamp", System.currentTimeMillis(), "cpu", cpu, "memory", 0.3, "latencyP99Ms", 20));
        assertThat(r.status()).as(r.toString()).isLessThan(300);
    }

    /** A rule for {@code id:*}: 100 tokens, a trickle of refill, in the pool {@code transfer}. */
    private static void rule(String id, Map<String, Object> transfer, boolean adaptive) {
        rule(id, id + ":*", transfer, adaptive);
    }

    /** A rule for {@code match}: 100 tokens, a trickle of refill, in the pool {@code transfer}; when adaptive, held at 100 (Holt). */
    private static void rule(String id, String match, Map<String, Object> transfer, boolean adaptive) {
        Map<String, Object> body =
                new HashMap<>(Map.of("match", match, "capacity", 100, "refillPerSecond", 0.01, "transfer", transfer));
        if (adaptive) {
            body.putAll(Map.of(
                    "minCapacity",
                    100,
                    "maxCapacity",
                    100,
                    "adaptive",
                    Map.of(
                            "enabled",
                            true,
                            "thresholdHigh",
                            0.8,
                            "thresholdLow",
                            0.3,
                            "growthFactor",
                            1.5,
                            "shrinkFactor",
                            0.8,
                            "forecaster",
                            Map.of("type", "holt"))));
        }
        Api.Response r = api.put("/v1/rules/" + id, body);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    private static JsonNode ask(String key, long tokens) {
        Api.Response r = api.post(
                "/v1/buckets/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "/acquire", Map.of("tokens", tokens));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    private static double reserve(JsonNode pool, String key) {
        return member(pool, key).get("reserve").asDouble();
    }

    private static long sizingTicks() {
        return (long) api.metric("bms_sizing_tick_seconds_count");
    }

    /** The member's borrow limit in the pool's view, -1 for none (or none yet); fails while the view lacks the member. */
    private static double limit(JsonNode pool, String key) {
        JsonNode limit = member(pool, key).get("borrowLimitPerSecond");
        return limit == null || limit.isNull() ? -1 : limit.asDouble();
    }
}
