package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operators' bucket reads make one batched store read per page or key, never one read per bucket. */
class BucketReadsTest extends SharedBmsTest {

    @BeforeAll
    static void rule() {
        api.put("/v1/rules/br", Map.of("match", "br:*", "capacity", 20, "refillPerSecond", 0.001));
        for (int i = 0; i < 6; i++) {
            api.post("/v1/buckets/br:k" + i + "/acquire", Map.of("tokens", 1 + i));
        }
    }

    @Test
    void shouldListAPageWithOneBatchedRead() {
        long batchesBefore = batchesOf("br:");

        JsonNode page = api.get("/v1/buckets?prefix=br:&limit=4").json();

        assertThat(page.get("buckets")).hasSize(4);
        assertThat(page.get("buckets").get(1).get("tokens").asLong()).isEqualTo(18);
        assertThat(page.get("nextCursor").isNull()).isFalse();
        assertThat(batchesOf("br:") - batchesBefore).isEqualTo(1);
        assertThat(bms.store.reads).noneMatch(k -> k.contains("br:"));
    }

    @Test
    void shouldReadEveryBucketOfAKeyWithOneBatchedRead() {
        long batchesBefore = batchesOf("br:k3");

        JsonNode bucket = api.get("/v1/buckets/br:k3").json();

        assertThat(bucket.get("tokens").asLong()).isEqualTo(16);
        assertThat(bucket.get("buckets")).hasSize(1);
        assertThat(batchesOf("br:k3") - batchesBefore).isEqualTo(1);
        assertThat(bms.store.reads).noneMatch(k -> k.contains("br:"));
    }

    /** The batched reads so far that asked for a key containing {@code part}. */
    private static long batchesOf(String part) {
        return bms.store.batchReads.stream()
                .filter(keys -> keys.stream().anyMatch(k -> k.contains(part)))
                .count();
    }
}
