package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.HandTickedMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request priority over real HTTP on a real member (Hazelcast store), driven by a fake clock: under a 3x overload
 * {@code critical} keeps its requests and {@code low} absorbs the denials; without pressure every class is granted.
 */
class PriorityApiTest {

    private enum Klass {
        CRITICAL,
        HIGH,
        NORMAL,
        LOW
    }

    /** The offered mix, per 30 requests: 10 % critical, 20 % high, 30 % normal, 40 % low. */
    private static final Map<Klass, Integer> MIX =
            Map.of(Klass.CRITICAL, 3, Klass.HIGH, 6, Klass.NORMAL, 9, Klass.LOW, 12);

    private static HandTickedMember member;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        member = new HandTickedMember(BmsOptions.CORE, Duration.ofSeconds(1));
        api = member.api;
        // 100 tokens a second: one token every 10 ms of the fake clock
        // 100 tokens a second: one token every 10 ms of the fake clock; the default reserves (priorityReserves {})
        assertThat(api.put(
                                "/v1/rules/prio",
                                Map.of(
                                        "match",
                                        "prio:*",
                                        "capacity",
                                        100,
                                        "refillPerSecond",
                                        100,
                                        "priorityReserves",
                                        Map.of()))
                        .status())
                .isEqualTo(201);
        // the same bucket without reserves: priority changes nothing
        assertThat(api.put("/v1/rules/plain", Map.of("match", "plain:*", "capacity", 100, "refillPerSecond", 100))
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (member != null) {
            member.close();
        }
    }

    /** The classes of {@code cycles} x 30 requests in the {@link #MIX}, in a fixed random order. */
    private static List<Klass> offered(int cycles) {
        List<Klass> order = new ArrayList<>();
        for (int c = 0; c < cycles; c++) {
            List<Klass> cycle = new ArrayList<>();
            MIX.forEach((k, n) -> cycle.addAll(Collections.nCopies(n, k)));
            Collections.shuffle(cycle, new Random(42 + c));
            order.addAll(cycle);
        }
        return order;
    }

    private static boolean acquire(String key, Klass k) {
        Api.Response r = api.post(
                "/v1/buckets/" + key + "/acquire", Map.of("priority", k.name().toLowerCase()));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json().get("granted").asBoolean();
    }

    /**
     * Offers {@code order} on {@code key}, {@code perStep} requests every 10 ms of the fake clock (one token's refill),
     * and counts the denials of each class.
     */
    private static Map<Klass, int[]> drive(String key, List<Klass> order, double perStep) {
        Map<Klass, int[]> counts = new EnumMap<>(Klass.class); // {offered, denied}
        double due = 0;
        for (Klass k : order) {
            while (due >= perStep) { // enough offered this step: the next 10 ms
                member.clock.advance(10);
                due -= perStep;
            }
            int[] c = counts.computeIfAbsent(k, x -> new int[2]);
            c[0]++;
            if (!acquire(key, k)) {
                c[1]++;
            }
            due++;
        }
        return counts;
    }

    @Test
    void underThreeTimesOverloadCriticalKeepsItsRequestsAndLowAbsorbsTheDenials() {
        // Given a bucket refilling 1 token per 10 ms, and 3 requests per 10 ms for 4 s of the fake clock (after its
        // first 100 tokens go in the first 33 steps)
        Map<Klass, int[]> counts = drive("prio:overload", offered(40), 3);

        counts.forEach((k, c) -> System.out.printf("overload %s: %d offered, %d denied%n", k, c[0], c[1]));

        // Then critical keeps at least 99 % of its requests, and low has the most denials of all, by count and by rate
        int[] critical = counts.get(Klass.CRITICAL);
        assertThat(critical[0] - critical[1]).isGreaterThanOrEqualTo((int) Math.ceil(0.99 * critical[0]));
        int[] low = counts.get(Klass.LOW);
        int denied = counts.values().stream().mapToInt(c -> c[1]).sum();
        assertThat(denied).as("overloaded: about 2 of 3 denied").isGreaterThan(counts.size() * 100);
        for (Klass k : List.of(Klass.CRITICAL, Klass.HIGH, Klass.NORMAL)) {
            int[] c = counts.get(k);
            assertThat(low[1]).as("low denials vs %s", k).isGreaterThan(c[1]);
            assertThat((double) low[1] / low[0]).as("low denial rate vs %s", k).isGreaterThan((double) c[1] / c[0]);
        }
        // and the classes are denied in their order
        assertThat(counts.get(Klass.HIGH)[1]).isLessThanOrEqualTo(counts.get(Klass.NORMAL)[1]);
    }

    @Test
    void withoutPressurePriorityChangesNothing() {
        // Given half a request per 10 ms against a refill of one token per 10 ms
        Map<Klass, int[]> counts = drive("prio:calm", offered(10), 0.5);

        // Then every class is granted every time
        counts.forEach((k, c) -> assertThat(c[1]).as("%s denied", k).isZero());
        assertThat(counts.values().stream().mapToInt(c -> c[0]).sum()).isEqualTo(300);
    }

    @Test
    void aRuleWithoutReservesTreatsEveryClassAlike() {
        // Given the rule's whole burst taken by low requests, one token at a time
        int lowGrants = 0;
        while (acquire("plain:a", Klass.LOW)) {
            lowGrants++;
        }

        // Then low got all 100 tokens, as a request without a class would
        assertThat(lowGrants).isEqualTo(100);
        assertThat(api.get("/v1/rules/plain").json().has("priorityReserves")).isFalse();
    }

    @Test
    void aBatchCarriesEachItemsPriority() {
        // Given a bucket with 3 of 100 tokens left: low must leave 20, critical may take the last
        assertThat(api.post("/v1/buckets/prio:batch/acquire", Map.of("tokens", 97, "priority", "critical"))
                        .json()
                        .get("granted")
                        .asBoolean())
                .isTrue();
        JsonNode results = api.post(
                        "/v1/acquire",
                        Map.of(
                                "requests",
                                List.of(
                                        Map.of("key", "prio:batch", "priority", "low"),
                                        Map.of("key", "prio:batch"),
                                        Map.of("key", "prio:batch", "tokens", 3, "priority", "critical"))))
                .json()
                .get("results");

        assertThat(results.get(0).get("granted").asBoolean()).isFalse();
        assertThat(results.get(1).get("granted").asBoolean()).isFalse();
        assertThat(results.get(2).get("granted").asBoolean()).isTrue();
        assertThat(results.get(2).get("remaining").asLong()).isZero();
    }

    @Test
    void anUnknownPriorityIsA400NamingTheField() {
        Api.Response single = api.post("/v1/buckets/prio:bad/acquire", Map.of("priority", "urgent"));
        assertThat(single.status()).isEqualTo(400);
        assertThat(single.json().get("error").asText()).isEqualTo("validation");
        assertThat(single.json().get("message").asText())
                .isEqualTo("priority must be one of critical, high, normal, low, was 'urgent'");

        Api.Response batch =
                api.post("/v1/acquire", Map.of("requests", List.of(Map.of("key", "prio:bad", "priority", "urgent"))));
        assertThat(batch.status()).isEqualTo(200);
        JsonNode item = batch.json().get("results").get(0);
        assertThat(item.toString()).contains("requests[0].priority must be one of critical, high, normal, low");
    }

    @Test
    void aRuleSetsItsReservesAndBadOnesAreA400() {
        Api.Response put = api.put(
                "/v1/rules/prio-tuned",
                Map.of(
                        "match",
                        "priotuned:*",
                        "capacity",
                        10,
                        "refillPerSecond",
                        0.001,
                        "priorityReserves",
                        Map.of("low", 0.5)));
        assertThat(put.status()).as(put.toString()).isEqualTo(201);
        assertThat(api.get("/v1/rules/prio-tuned")
                        .json()
                        .get("priorityReserves")
                        .toString())
                .isEqualTo("{\"high\":0.05,\"normal\":0.1,\"low\":0.5}");
        // low now stops with 5 of 10 left
        int lowGrants = 0;
        while (acquire("priotuned:a", Klass.LOW)) {
            lowGrants++;
        }
        assertThat(lowGrants).isEqualTo(5);

        Api.Response notMonotone = putBadReserves(Map.of("high", 0.3));
        assertThat(notMonotone.status()).isEqualTo(400);
        assertThat(notMonotone.json().get("message").asText())
                .startsWith("priorityReserves must be monotone (low >= normal >= high");
        Api.Response outOfRange = putBadReserves(Map.of("low", 1));
        assertThat(outOfRange.status()).isEqualTo(400);
        assertThat(outOfRange.json().get("message").asText())
                .isEqualTo("priorityReserves.low must be in [0, 1), was 1.0");
        assertThat(api.get("/v1/rules/prio-bad").status()).isEqualTo(404);
    }

    private static Api.Response putBadReserves(Map<String, Object> reserves) {
        return api.put(
                "/v1/rules/prio-bad",
                Map.of("match", "priobad:*", "capacity", 10, "refillPerSecond", 1, "priorityReserves", reserves));
    }
}
