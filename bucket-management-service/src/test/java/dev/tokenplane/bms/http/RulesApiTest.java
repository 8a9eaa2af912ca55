package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules CRUD over real HTTP on a real member: statuses, versions, If-Match, and what a delete does to buckets. */
class RulesApiTest extends SharedBmsTest {

    @Test
    void shouldCreateThenReplaceWithGrowingVersions() {
        // When a rule is created and then replaced
        Api.Response created =
                api.put("/v1/rules/ra-1", Map.of("match", "ra1:*", "capacity", 100, "refillPerSecond", 10));
        Api.Response replaced = api.put(
                "/v1/rules/ra-1",
                Map.of("match", "ra1:*", "capacity", 50, "refillPerSecond", 5, "algorithm", "LEAKY_BUCKET"));

        // Then the first answers 201 and the second 200, each with the stored rule, id, version and time
        assertThat(created.status()).isEqualTo(201);
        JsonNode c = created.json();
        assertThat(c.get("id").asText()).isEqualTo("ra-1");
        assertThat(c.get("version").asLong()).isEqualTo(1);
        assertThat(c.get("updatedAt").asLong()).isPositive();
        assertThat(c.get("minCapacity").asLong()).isEqualTo(100);
        assertThat(created.header("etag")).isEqualTo("\"1\"");
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.json().get("version").asLong()).isEqualTo(2);
        assertThat(replaced.json().get("algorithm").asText()).isEqualTo("LEAKY_BUCKET");

        // And the reads show the latest
        assertThat(api.get("/v1/rules/ra-1").json().get("capacity").asLong()).isEqualTo(50);
        JsonNode all = api.get("/v1/rules").json().get("rules");
        assertThat(all.findValuesAsText("id")).contains("ra-1", "free", "enterprise", "login", "servers");
    }

    @Test
    void shouldTakeARefillWrittenAsTokensPerPeriodAndEchoIt() {
        Map<String, Object> refill = Map.of("tokens", 5, "period", "1m");

        Api.Response created =
                api.put("/v1/rules/ra-per-minute", Map.of("match", "ra-per-minute:*", "capacity", 5, "refill", refill));

        assertThat(created.status()).isEqualTo(201);
        JsonNode stored = api.get("/v1/rules/ra-per-minute").json();
        assertThat(stored.get("refillPerSecond").asDouble()).isEqualTo(5.0 / 60);
        assertThat(stored.get("refill").get("tokens").asLong()).isEqualTo(5);
        assertThat(stored.get("refill").get("period").asText()).isEqualTo("1m");
        assertThat(api.put("/v1/rules/ra-per-minute", stored).status())
                .as("a GET body may be written back")
                .isEqualTo(200);
        JsonNode decision = api.post("/v1/buckets/ra-per-minute:x/acquire", Map.of("tokens", 1))
                .json();
        assertThat(decision.get("refillPerSecond").asDouble()).isCloseTo(5.0 / 60, within(1e-6));

        Api.Response both = api.put(
                "/v1/rules/ra-per-minute",
                Map.of("match", "ra-per-minute:*", "capacity", 5, "refill", refill, "refillPerSecond", 1));
        Api.Response malformed = api.put(
                "/v1/rules/ra-per-minute",
                Map.of("match", "ra-per-minute:*", "capacity", 5, "refill", Map.of("tokens", 5, "period", "a minute")));
        Api.Response wrongType = api.put(
                "/v1/rules/ra-per-minute",
                Map.of("match", "ra-per-minute:*", "capacity", 5, "refill", Map.of("tokens", 5.5, "period", "1m")));
        Api.Response unknownField = api.put(
                "/v1/rules/ra-per-minute",
                Map.of("match", "ra-per-minute:*", "capacity", 5, "refill", Map.of("tokens", 5, "per", "1m")));
        for (Api.Response bad : new Api.Response[] {both, malformed, wrongType, unknownField}) {
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("error").asText()).isEqualTo("validation");
        }
        assertThat(both.json().get("message").asText()).contains("not both");
        assertThat(malformed.json().get("message").asText()).startsWith("refill.period must be a duration");
        assertThat(api.get("/v1/rules/ra-per-minute").json().get("version").asLong())
                .isEqualTo(2);
        JsonNode schemas =
                api.getAnonymous("/openapi.json").json().get("components").get("schemas");
        assertThat(schemas.get("RuleInput").get("properties").has("refill")).isTrue();
        assertThat(schemas.get("Rule").get("properties").has("refill")).isTrue();
        assertThat(schemas.get("Refill").get("required")).hasSize(2);
    }

    @Test
    void shouldStoreARulesOwnSizingTuningAndNameABadField() {
        Map<String, Object> adaptive = Map.of(
                "enabled",
                true,
                "pressureTargets",
                Map.of("diskBusy", 0.5, "latencyP99Ms", 250),
                "forecaster",
                Map.of("type", "seasonal", "seasonTicks", 86400, "leadTicks", 1800),
                "damping",
                Map.of("maxStepUp", 1.0, "minChange", 0.02, "cooldownMs", 3000));

        Api.Response r = api.put(
                "/v1/rules/ra-tuned",
                Map.of("match", "ra-tuned:*", "capacity", 100, "refillPerSecond", 10, "adaptive", adaptive));

        assertThat(r.status()).isEqualTo(201);
        JsonNode a = api.get("/v1/rules/ra-tuned").json().get("adaptive");
        assertThat(a.get("pressureTargets").get("diskBusy").asDouble()).isEqualTo(0.5);
        assertThat(a.get("pressureTargets").has("cpu")).isFalse(); // left to the member's default
        assertThat(a.get("forecaster").get("type").asText()).isEqualTo("seasonal");
        assertThat(a.get("forecaster").get("seasonTicks").asInt()).isEqualTo(86400);
        assertThat(a.get("damping").get("cooldownMs").asLong()).isEqualTo(3000);

        Api.Response bad = api.put(
                "/v1/rules/ra-tuned",
                Map.of(
                        "match",
                        "ra-tuned:*",
                        "capacity",
                        100,
                        "refillPerSecond",
                        10,
                        "adaptive",
                        Map.of("damping", Map.of("maxStepDown", 1.5))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).isEqualTo("validation");
        assertThat(bad.json().get("message").asText())
                .isEqualTo("adaptive.damping.maxStepDown must be in (0, 1), was 1.5");
    }

    @Test
    void shouldStoreTheFullExampleBody() {
        Map<String, Object> body = Map.of(
                "match",
                "tenant-a:*",
                "capacity",
                100,
                "refillPerSecond",
                10,
                "minCapacity",
                10,
                "maxCapacity",
                1000,
                "algorithm",
                "TOKEN_BUCKET",
                "idleTtlSeconds",
                600,
                "shadow",
                false,
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
                        0.8),
                "transfer",
                Map.of(
                        "pool",
                        "tenant-a",
                        "canBorrow",
                        true,
                        "canLend",
                        true,
                        "weight",
                        1,
                        "region",
                        "eu-west",
                        "reserveFraction",
                        0.1));

        Api.Response r = api.put("/v1/rules/ra-example", body);

        assertThat(r.status()).isEqualTo(201);
        JsonNode rule = r.json();
        assertThat(rule.get("adaptive").get("growthFactor").asDouble()).isEqualTo(1.5);
        assertThat(rule.get("transfer").get("region").asText()).isEqualTo("eu-west");
        assertThat(rule.get("maxCapacity").asLong()).isEqualTo(1000);
    }

    @Test
    void shouldHonourIfMatch() {
        api.put("/v1/rules/ra-if", Map.of("match", "raif:*", "capacity", 10, "refillPerSecond", 1));
        Map<String, Object> body = Map.of("match", "raif:*", "capacity", 20, "refillPerSecond", 1);

        Api.Response stale = api.send("PUT", "/v1/rules/ra-if", body, true, "If-Match", "7");
        Api.Response fresh = api.send("PUT", "/v1/rules/ra-if", body, true, "If-Match", "\"1\"");
        Api.Response again = api.send("PUT", "/v1/rules/ra-if", body, true, "If-Match", "1");
        Api.Response absent = api.send("PUT", "/v1/rules/ra-none", body, true, "If-Match", "*");

        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.json().get("error").asText()).isEqualTo("conflict");
        assertThat(fresh.status()).isEqualTo(200);
        assertThat(fresh.json().get("version").asLong()).isEqualTo(2);
        assertThat(again.status()).isEqualTo(409);
        assertThat(absent.status()).isEqualTo(409);
        assertThat(api.get("/v1/rules/ra-none").status()).isEqualTo(404);
    }

    @Test
    void shouldDeleteAndStopServingTheRulesBuckets() {
        api.put("/v1/rules/ra-del-glob", Map.of("match", "radel:*", "capacity", 3, "refillPerSecond", 1));
        api.put("/v1/rules/ra-del", Map.of("match", "radel:k*", "capacity", 7, "refillPerSecond", 1));
        assertThat(api.post("/v1/buckets/radel:key/acquire", "{}")
                        .json()
                        .get("ruleId")
                        .asText())
                .isEqualTo("ra-del");

        // When the more specific rule is deleted
        Api.Response deleted = api.delete("/v1/rules/ra-del");

        // Then its key goes to the next match, with that rule's capacity
        assertThat(deleted.status()).isEqualTo(204);
        JsonNode d = api.post("/v1/buckets/radel:key/acquire", "{}").json();
        assertThat(d.get("ruleId").asText()).isEqualTo("ra-del-glob");
        assertThat(d.get("capacity").asLong()).isEqualTo(3);
        assertThat(api.get("/v1/rules/ra-del").status()).isEqualTo(404);
        assertThat(api.delete("/v1/rules/ra-del").status()).isEqualTo(404);

        // And once no rule matches, the key has no rule
        assertThat(api.delete("/v1/rules/ra-del-glob").status()).isEqualTo(204);
        Api.Response none = api.post("/v1/buckets/radel:key/acquire", "{}");
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("error").asText()).isEqualTo("no_rule");

        // And a re-created rule continues the version count (the tombstone kept it)
        Api.Response recreated =
                api.put("/v1/rules/ra-del", Map.of("match", "radel:k*", "capacity", 7, "refillPerSecond", 1));
        assertThat(recreated.status()).isEqualTo(201);
        assertThat(recreated.json().get("version").asLong()).isEqualTo(3);
    }

    @Test
    void shouldResetTheBucketWhenItsRuleChanges() {
        api.put("/v1/rules/ra-reset", Map.of("match", "rareset:*", "capacity", 5, "refillPerSecond", 0.001));
        assertThat(api.post("/v1/buckets/rareset:a/acquire", Map.of("tokens", 5))
                        .json()
                        .get("granted")
                        .asBoolean())
                .isTrue();
        assertThat(api.post("/v1/buckets/rareset:a/acquire", "{}")
                        .json()
                        .get("granted")
                        .asBoolean())
                .isFalse();

        api.put("/v1/rules/ra-reset", Map.of("match", "rareset:*", "capacity", 8, "refillPerSecond", 0.001));
        JsonNode after = api.post("/v1/buckets/rareset:a/acquire", "{}").json();

        // The bucket takes the new capacity and keeps its (clamped) tokens: still empty, so still denied
        assertThat(after.get("capacity").asLong()).isEqualTo(8);
        assertThat(after.get("granted").asBoolean()).isFalse();
    }
}
