package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /v1/overrides (paged, by prefix) and an override's ttlSeconds, over real HTTP on a real member. */
class OverridesApiTest extends SharedBmsTest {

    @Test
    void shouldListOverridesByPrefixPageByPage() {
        for (int i = 0; i < 5; i++) {
            assertThat(api.put("/v1/buckets/olist:" + i + "/override", Map.of("capacity", 10 + i, "refillPerSecond", 1))
                            .status())
                    .isEqualTo(201);
        }
        api.put("/v1/buckets/olistother:x/override", Map.of("capacity", 1, "refillPerSecond", 1));

        List<String> keys = new ArrayList<>();
        String cursor = "";
        int pages = 0;
        do {
            Api.Response r = api.get("/v1/overrides?prefix=olist:&limit=2&cursor=" + cursor);
            assertThat(r.status()).isEqualTo(200);
            r.json().get("overrides").forEach(o -> keys.add(o.get("key").asText()));
            cursor = r.json().get("nextCursor").isNull()
                    ? null
                    : r.json().get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(keys).containsExactly("olist:0", "olist:1", "olist:2", "olist:3", "olist:4");
        assertThat(pages).isEqualTo(3);
        JsonNode first =
                api.get("/v1/overrides?prefix=olist:0").json().get("overrides").get(0);
        assertThat(first.get("capacity").asLong()).isEqualTo(10);
        assertThat(first.get("version").asLong()).isPositive();
    }

    @Test
    void shouldExpireAfterTtlSecondsAndRejectBothExpiries() {
        long before = System.currentTimeMillis();
        Api.Response r =
                api.put("/v1/buckets/ottl:a/override", Map.of("capacity", 7, "refillPerSecond", 1, "ttlSeconds", 600));
        long after = System.currentTimeMillis();

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("expiresAt").asLong()).isBetween(before + 600_000, after + 600_000);
        assertThat(r.json().has("ttlSeconds")).isFalse();

        Api.Response both = api.put(
                "/v1/buckets/ottl:b/override",
                Map.of("capacity", 7, "refillPerSecond", 1, "ttlSeconds", 600, "expiresAt", after + 1_000_000));
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("error").asText()).isEqualTo("validation");
        assertThat(both.json().get("message").asText()).contains("expiresAt or ttlSeconds");
        assertThat(api.put("/v1/buckets/ottl:c/override", Map.of("capacity", 7, "refillPerSecond", 1, "ttlSeconds", 0))
                        .status())
                .isEqualTo(400);
        assertThat(api.get("/v1/overrides?prefix=ottl:b").json().get("overrides"))
                .isEmpty();
    }

    @Test
    void shouldListOnlyActiveOverridesWhenAsked() throws Exception {
        api.put("/v1/buckets/oact:live/override", Map.of("capacity", 3, "refillPerSecond", 1));
        api.put(
                "/v1/buckets/oact:gone/override",
                Map.of("capacity", 3, "refillPerSecond", 1, "expiresAt", System.currentTimeMillis() + 300));
        dev.tokenplane.bms.support.Await.until(() -> System.currentTimeMillis()
                > api.get("/v1/overrides?prefix=oact:gone")
                        .json()
                        .get("overrides")
                        .get(0)
                        .get("expiresAt")
                        .asLong());

        assertThat(api.get("/v1/overrides?prefix=oact:").json().get("overrides").findValuesAsText("key"))
                .containsExactly("oact:gone", "oact:live");
        assertThat(api.get("/v1/overrides?prefix=oact:&active=true")
                        .json()
                        .get("overrides")
                        .findValuesAsText("key"))
                .containsExactly("oact:live");
    }

    @Test
    void shouldRejectBadPagingAndAnonymousCallers() {
        assertThat(api.get("/v1/overrides?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/v1/overrides?cursor=%25%25").status()).isEqualTo(400);
        assertThat(api.getAnonymous("/v1/overrides").status()).isEqualTo(401);
    }
}
