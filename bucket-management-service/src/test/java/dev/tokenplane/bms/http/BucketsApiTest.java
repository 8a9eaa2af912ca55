package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bucket reads, listing and overrides over real HTTP. */
class BucketsApiTest extends SharedBmsTest {

    @BeforeAll
    static void start() throws Exception {
        api.put(
                "/v1/rules/ba",
                Map.of(
                        "match",
                        "ba:*",
                        "capacity",
                        20,
                        "refillPerSecond",
                        0.001,
                        "minCapacity",
                        5,
                        "maxCapacity",
                        100,
                        "transfer",
                        Map.of("pool", "ba-pool", "region", "eu-west", "canLend", true)));
    }

    @Test
    void shouldAnswer404UntilTheFirstAcquireThenShowTheBucket() throws Exception {
        assertThat(api.get("/v1/buckets/ba:read").status()).isEqualTo(404);
        assertThat(api.get("/v1/buckets/ba:read").json().get("error").asText()).isEqualTo("not_found");

        api.post("/v1/buckets/ba:read/acquire", Map.of("tokens", 3));
        bms.node
                .history()
                .record(
                        StoreKey.scoped("ba:read", "ba", null).encode(),
                        new ResizeHistory.Resize(1000, 30, 0.0015, "grow: test"))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        JsonNode b = api.get("/v1/buckets/ba:read").json();

        assertThat(b.get("key").asText()).isEqualTo("ba:read");
        assertThat(b.get("ruleId").asText()).isEqualTo("ba");
        assertThat(b.get("capacity").asLong()).isEqualTo(20);
        assertThat(b.get("refillPerSecond").asDouble()).isEqualTo(0.001);
        assertThat(b.get("tokens").asLong()).isEqualTo(17);
        assertThat(b.get("minCapacity").asLong()).isEqualTo(5);
        assertThat(b.get("maxCapacity").asLong()).isEqualTo(100);
        assertThat(b.get("override").isNull()).isTrue();
        assertThat(b.get("pool").asText()).isEqualTo("ba-pool");
        assertThat(b.get("region").asText()).isEqualTo("eu-west");
        assertThat(b.get("lastResizedAt").asLong()).isEqualTo(1000);
        assertThat(b.get("history").get(0).get("capacity").asLong()).isEqualTo(30);
        assertThat(b.get("history").get(0).get("reason").asText()).isEqualTo("grow: test");
    }

    @Test
    void shouldKeepTheHistoryBounded() throws Exception {
        api.post("/v1/buckets/ba:hist/acquire", "{}");
        for (int i = 0; i < ResizeHistory.KEEP + 5; i++) {
            bms.node
                    .history()
                    .record(
                            StoreKey.scoped("ba:hist", "ba", null).encode(),
                            new ResizeHistory.Resize(i, 10 + i, 1, "step " + i))
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
        }
        JsonNode h = api.get("/v1/buckets/ba:hist").json().get("history");

        assertThat(h).hasSize(ResizeHistory.KEEP);
        assertThat(h.get(h.size() - 1).get("reason").asText()).isEqualTo("step " + (ResizeHistory.KEEP + 4));
    }

    @Test
    void shouldListBucketsByPrefixInPages() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            keys.add("ba:list:" + i);
            api.post("/v1/buckets/ba:list:" + i + "/acquire", "{}");
        }

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/buckets?prefix=ba:list:&limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("buckets").forEach(b -> {
                seen.add(b.get("key").asText());
                assertThat(b.get("ruleId").asText()).isEqualTo("ba");
                assertThat(b.get("capacity").asLong()).isEqualTo(20);
            });
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(seen).containsExactlyElementsOf(keys);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void shouldPinTheBucketWhileTheOverrideHoldsAndReleaseItAfter() {
        api.post("/v1/buckets/ba:ov/acquire", "{}");

        // When an override is put with an expiry
        long expiresAt = System.currentTimeMillis() + 3000;
        Api.Response put = api.put(
                "/v1/buckets/ba:ov/override",
                Map.of(
                        "capacity",
                        50,
                        "refillPerSecond",
                        5,
                        "expiresAt",
                        expiresAt,
                        "transfer",
                        Map.of("canBorrow", false, "canLend", false)));

        // Then it is stored, the bucket has exactly its capacity and refill at once, and so has the next decision
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.json().get("version").asLong()).isEqualTo(1);
        assertThat(api.get("/v1/buckets/ba:ov").json().get("capacity").asLong()).isEqualTo(50);
        JsonNode d = api.post("/v1/buckets/ba:ov/acquire", "{}").json();
        assertThat(d.get("capacity").asLong()).isEqualTo(50);
        assertThat(d.get("refillPerSecond").asDouble()).isEqualTo(5.0);
        JsonNode b = api.get("/v1/buckets/ba:ov").json();
        assertThat(b.get("override").get("capacity").asLong()).isEqualTo(50);
        assertThat(b.get("override").get("expiresAt").asLong()).isEqualTo(expiresAt);
        assertThat(b.get("pool").asText()).isEqualTo("ba-pool");
        assertThat(bms.node.overrides().isPinned("ba:ov", System.currentTimeMillis()))
                .isTrue();

        // And a replacement answers 200
        assertThat(api.put(
                                "/v1/buckets/ba:ov/override",
                                Map.of("capacity", 40, "refillPerSecond", 4, "expiresAt", expiresAt))
                        .status())
                .isEqualTo(200);

        // When it expires, the bucket is its rule's again and no longer pinned
        Await.until(() -> System.currentTimeMillis() > expiresAt + 50);
        JsonNode after = api.post("/v1/buckets/ba:ov/acquire", "{}").json();
        assertThat(after.get("capacity").asLong()).isEqualTo(20);
        assertThat(api.get("/v1/buckets/ba:ov").json().get("override").isNull()).isTrue();
        assertThat(bms.node.overrides().isPinned("ba:ov", System.currentTimeMillis()))
                .isFalse();
    }

    @Test
    void shouldDeleteAnOverride() {
        api.post("/v1/buckets/ba:del/acquire", "{}");
        api.put("/v1/buckets/ba:del/override", Map.of("capacity", 2, "refillPerSecond", 1));
        assertThat(api.post("/v1/buckets/ba:del/acquire", "{}")
                        .json()
                        .get("capacity")
                        .asLong())
                .isEqualTo(2);

        assertThat(api.delete("/v1/buckets/ba:del/override").status()).isEqualTo(204);
        assertThat(api.get("/v1/buckets/ba:del").json().get("capacity").asLong())
                .isEqualTo(20);

        assertThat(api.post("/v1/buckets/ba:del/acquire", "{}")
                        .json()
                        .get("capacity")
                        .asLong())
                .isEqualTo(20);
        assertThat(api.delete("/v1/buckets/ba:del/override").status()).isEqualTo(404);
        assertThat(bms.node.overrides().isPinned("ba:del", System.currentTimeMillis()))
                .isFalse();
    }
}
