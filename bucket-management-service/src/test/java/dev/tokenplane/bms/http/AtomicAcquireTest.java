package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/acquire} with {@code "atomic": true} over real HTTP on a real member: all or nothing. */
class AtomicAcquireTest extends SharedBmsTest {

    private static Api.Response atomic(Object... items) {
        return api.post("/v1/acquire", Map.of("atomic", true, "requests", List.of(items)));
    }

    @Test
    void shouldGrantAllOrGiveBackWhatTheOthersTook() {
        api.put("/v1/rules/at-user", Map.of("match", "at-user:*", "capacity", 1, "refillPerSecond", 0.001));
        api.put("/v1/rules/at-ip", Map.of("match", "at-ip:*", "capacity", 5, "refillPerSecond", 0.001));

        JsonNode first = atomic(Map.of("key", "at-user:alice"), Map.of("key", "at-ip:10.0.0.1", "tokens", 2))
                .json();
        JsonNode second = atomic(Map.of("key", "at-ip:10.0.0.1", "tokens", 2), Map.of("key", "at-user:alice"))
                .json();

        assertThat(first.get("granted").asBoolean()).isTrue();
        assertThat(first.get("retryAfterMs").asLong()).isZero();
        assertThat(first.get("results").findValuesAsText("granted")).containsExactly("true", "true");
        // the user bucket is empty: the whole batch is denied, and the IP bucket keeps its 3 tokens
        assertThat(second.get("granted").asBoolean()).isFalse();
        assertThat(second.get("results").findValuesAsText("granted")).containsExactly("false", "false");
        assertThat(second.get("retryAfterMs").asLong())
                .isGreaterThan(900_000)
                .isEqualTo(second.get("results").get(1).get("retryAfterMs").asLong());
        assertThat(api.get("/v1/buckets/at-ip:10.0.0.1").json().get("tokens").asLong())
                .isEqualTo(3);
        // a plain batch has no such guarantee: its IP item is taken although the user item is denied
        JsonNode plain = api.post(
                        "/v1/acquire",
                        Map.of("requests", List.of(Map.of("key", "at-ip:10.0.0.1"), Map.of("key", "at-user:alice"))))
                .json();
        assertThat(plain.get("results").findValuesAsText("granted")).containsExactly("true", "false");
        assertThat(api.get("/v1/buckets/at-ip:10.0.0.1").json().get("tokens").asLong())
                .isEqualTo(2);
    }

    @Test
    void shouldRefuseAWholeAtomicBatchWhenOneItemIsInvalidWithoutTakingAnything() {
        api.put("/v1/rules/at-bad", Map.of("match", "at-bad:*", "capacity", 2, "refillPerSecond", 0.001));

        Api.Response badItem = atomic(Map.of("key", "at-bad:a"), Map.of("key", "at-bad:a", "tokens", 0));
        Api.Response tooMany = atomic(Map.of("key", "at-bad:b"), Map.of("key", "at-bad:c", "tokens", 3));
        Api.Response noRule = atomic(Map.of("key", "at-bad:d"), Map.of("key", "at-nothing:x"));

        assertThat(badItem.status()).isEqualTo(400);
        assertThat(badItem.json().get("message").asText()).startsWith("requests[1].tokens");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("message").asText()).contains("capacity 2");
        assertThat(noRule.status()).isEqualTo(404);
        // nothing was taken from the valid items' buckets
        assertThat(api.get("/v1/buckets/at-bad:b").json().get("tokens").asLong())
                .isEqualTo(2);
        assertThat(api.get("/v1/buckets/at-bad:a").status()).isEqualTo(404);
        assertThat(api.get("/v1/buckets/at-bad:d").status()).isEqualTo(404);
    }
}
