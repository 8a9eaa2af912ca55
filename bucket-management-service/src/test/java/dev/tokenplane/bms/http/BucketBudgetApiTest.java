package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bucket budget over HTTP, on a member of its own with {@code BMS_MAX_BUCKETS=}{@value #BUDGET}: new keys past it
 * get 503 {@code bucket_budget_exhausted} with {@code Retry-After}, alone in a batch, while existing buckets keep
 * their exact admission; a rule's {@code maxBuckets}; the idle-TTL rule for wildcards; the budget's meters.
 */
class BucketBudgetApiTest {
    static final int BUDGET = 40;
    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(TestSettings.member()
                .with("BMS_MAX_BUCKETS", Integer.toString(BUDGET))
                .build());
        api = new Api(node.url(), node.adminToken());
        assertThat(api.put("/v1/rules/member", Map.of("match", "member:*", "capacity", 3, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(201);
        assertThat(api.put(
                                "/v1/rules/capped",
                                Map.of("match", "capped:*", "capacity", 3, "refillPerSecond", 0.001, "maxBuckets", 2))
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @Test
    void shouldRefuseNewKeysPastTheMemberBudgetAndServeExistingOnesExactly() throws Exception {
        // Given a rule's maxBuckets holds new keys of its own, but leaves the member budget to other rules
        assertThat(acquire("capped:1").status()).isEqualTo(200);
        assertThat(acquire("capped:2").status()).isEqualTo(200);
        Api.Response third = acquire("capped:3");
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.json().get("error").asText()).isEqualTo("bucket_budget_exhausted");
        assertThat(metrics())
                .contains(
                        "bms_rule_bucket_budget_limit{rule=\"capped\"} 2.0",
                        "bms_rule_bucket_budget_used{rule=\"capped\"} 2.0");

        // When a batch of distinct new keys asks for more than the member's budget has left
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            items.add(Map.of("key", "member:" + i));
        }
        Api.Response batch = api.post("/v1/acquire", Map.of("requests", items));

        // Then the batch answers 200, and exactly the room left was granted; every other item failed alone
        assertThat(batch.status()).isEqualTo(200);
        JsonNode results = batch.json().get("results");
        int granted = 0;
        int refused = 0;
        for (JsonNode r : results) {
            if (r.has("granted")) {
                granted++;
            } else {
                assertThat(r.get("error").asText()).isEqualTo("bucket_budget_exhausted");
                assertThat(r.get("key").asText()).startsWith("member:");
                refused++;
            }
        }
        assertThat(granted).isEqualTo(BUDGET - 2);
        assertThat(refused).isEqualTo(100 - (BUDGET - 2));

        // And a single new key gets the documented 503 with Retry-After and a JSON body
        Api.Response single = acquire("member:new");
        assertThat(single.status()).isEqualTo(503);
        assertThat(single.header("retry-after")).isEqualTo("30");
        assertThat(single.header("content-type")).isEqualTo("application/json");
        assertThat(single.json().get("error").asText()).isEqualTo("bucket_budget_exhausted");
        assertThat(single.json().get("message").asText()).contains("BMS_MAX_BUCKETS", "existing buckets");

        // And an existing bucket is served exactly: capacity 3, it granted 1 in the batch, so 2 more and then a denial
        String existing = granted(results).get(0);
        assertThat(acquire(existing).json().get("granted").asBoolean()).isTrue();
        assertThat(acquire(existing).json().get("granted").asBoolean()).isTrue();
        assertThat(acquire(existing).json().get("granted").asBoolean()).isFalse();

        // And the meters show the spent budget
        assertThat(metrics())
                .contains("bms_bucket_budget_limit " + (double) BUDGET, "bms_bucket_budget_used " + (double) BUDGET)
                .containsPattern("bms_bucket_budget_refusals_total [1-9]");

        // When a bucket goes away (here removed through the store), its place is free for one new key
        // (a bucket lives at its store key: the key and its rule)
        node.store()
                .remove(StoreKey.scoped(existing, "member", null).encode())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(acquire("member:after-removal").status()).isEqualTo(200);
        assertThat(acquire("member:one-too-many").status()).isEqualTo(503);
    }

    @Test
    void shouldRefuseAWildcardRuleThatNeverExpiresUnlessItHasMaxBuckets() {
        Api.Response forever = api.put(
                "/v1/rules/forever",
                Map.of("match", "forever:*", "capacity", 5, "refillPerSecond", 1, "idleTtlSeconds", 0));
        assertThat(forever.status()).isEqualTo(400);
        assertThat(forever.json().get("error").asText()).isEqualTo("validation");
        assertThat(forever.json().get("message").asText()).contains("idleTtlSeconds 0", "maxBuckets");

        Api.Response counted = api.put(
                "/v1/rules/forever",
                Map.of(
                        "match",
                        "forever:*",
                        "capacity",
                        5,
                        "refillPerSecond",
                        1,
                        "idleTtlSeconds",
                        0,
                        "maxBuckets",
                        100));
        assertThat(counted.status()).isEqualTo(201);
        assertThat(counted.json().get("maxBuckets").asLong()).isEqualTo(100);

        Api.Response literal = api.put(
                "/v1/rules/one-key",
                Map.of("match", "just-this-key", "capacity", 5, "refillPerSecond", 1, "idleTtlSeconds", 0));
        assertThat(literal.status()).isEqualTo(201);
        assertThat(literal.json().has("maxBuckets")).isFalse();

        Api.Response zero = api.put(
                "/v1/rules/zero", Map.of("match", "zero:*", "capacity", 5, "refillPerSecond", 1, "maxBuckets", 0));
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.json().get("message").asText()).contains("maxBuckets must be in [1, ");
    }

    @Test
    void shouldLoadTheBundledExamplesWithACountedServersRule() {
        JsonNode servers = api.get("/v1/rules/servers").json();
        assertThat(servers.get("idleTtlSeconds").asLong()).isZero();
        assertThat(servers.get("maxBuckets").asLong()).isEqualTo(10_000);
    }

    private static List<String> granted(JsonNode results) {
        List<String> keys = new ArrayList<>();
        results.forEach(r -> {
            if (r.has("granted")) {
                keys.add(r.get("key").asText());
            }
        });
        return keys;
    }

    private static Api.Response acquire(String key) {
        return api.post("/v1/buckets/" + key + "/acquire", Map.of("tokens", 1));
    }

    private static String metrics() {
        return api.getAnonymous("/metrics").body();
    }
}
