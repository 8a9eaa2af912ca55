package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.config.RuleSetApplier;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleSetDiff;
import dev.tokenplane.bms.rules.TestRuleInput;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PUT /v1/rules on a member of its own (a prune deletes every other rule): dry run, apply, prune, validation of the
 * whole set before any write, and all-or-nothing when a rule changes during the apply.
 */
class RuleSetApiTest {
    private static BmsNode node;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(TestSettings.member().build());
        api = new Api(node.url(), node.adminToken());
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @BeforeEach
    void startFromTwoRules() {
        assertThat(api.put("/v1/rules?prune=true", set(rule("keep", 10), rule("old", 10)))
                        .status())
                .isEqualTo(200);
    }

    private static Map<String, Object> rule(String id, long capacity) {
        return Map.of("id", id, "match", id + ":*", "capacity", capacity, "refillPerSecond", 1);
    }

    @SafeVarargs
    private static Map<String, Object> set(Map<String, Object>... rules) {
        return Map.of("rules", List.of(rules));
    }

    @Test
    void shouldAnswerTheDiffOfADryRunAndWriteNothing() {
        long keepVersion = api.get("/v1/rules/keep").json().get("version").asLong();

        Api.Response r = api.put("/v1/rules?dryRun=true&prune=true", set(rule("keep", 20), rule("new", 5)));

        assertThat(r.status()).isEqualTo(200);
        JsonNode diff = r.json();
        assertThat(diff.get("dryRun").asBoolean()).isTrue();
        assertThat(diff.get("applied").asBoolean()).isFalse();
        assertThat(diff.get("added").findValuesAsText("")).isEmpty();
        assertThat(texts(diff.get("added"))).containsExactly("new");
        assertThat(texts(diff.get("changed"))).containsExactly("keep");
        assertThat(texts(diff.get("removed"))).containsExactly("old");
        assertThat(diff.get("changes").get("keep").get("capacity").get("from").asLong())
                .isEqualTo(10);
        assertThat(diff.get("changes").get("keep").get("capacity").get("to").asLong())
                .isEqualTo(20);
        assertThat(api.get("/v1/rules/new").status()).isEqualTo(404);
        assertThat(api.get("/v1/rules/old").status()).isEqualTo(200);
        assertThat(api.get("/v1/rules/keep").json().get("version").asLong()).isEqualTo(keepVersion);
    }

    @Test
    void shouldApplyAndKeepRulesAbsentFromTheSetUnlessPruned() {
        Api.Response kept = api.put("/v1/rules", set(rule("keep", 20), rule("new", 5)));

        assertThat(kept.json().get("applied").asBoolean()).isTrue();
        assertThat(api.get("/v1/rules/keep").json().get("capacity").asLong()).isEqualTo(20);
        assertThat(api.get("/v1/rules/new").status()).isEqualTo(200);
        assertThat(api.get("/v1/rules/old").status()).isEqualTo(200);

        Api.Response again = api.put("/v1/rules?prune=true", set(rule("keep", 20), rule("new", 5)));

        assertThat(texts(again.json().get("unchanged"))).containsExactly("keep", "new");
        assertThat(texts(again.json().get("removed"))).containsExactly("old");
        assertThat(api.get("/v1/rules/old").status()).isEqualTo(404);
        assertThat(texts(api.get("/v1/rules").json().get("rules").findParents("id").stream()
                        .map(n -> n.get("id"))
                        .toList()))
                .containsExactly("keep", "new");
    }

    @Test
    void shouldApplyARuleSetWithARefillPerPeriod() {
        Map<String, Object> perHour = Map.of(
                "id", "hourly", "match", "hourly:*", "capacity", 10, "refill", Map.of("tokens", 10, "period", "PT1H"));

        Api.Response r = api.put("/v1/rules", set(rule("keep", 10), perHour));

        assertThat(r.status()).isEqualTo(200);
        JsonNode hourly = api.get("/v1/rules/hourly").json();
        assertThat(hourly.get("refillPerSecond").asDouble()).isEqualTo(10.0 / 3600);
        assertThat(hourly.get("refill").get("period").asText()).isEqualTo("PT1H");
        Api.Response bad = api.put(
                "/v1/rules",
                set(Map.of(
                        "id", "bad", "match", "bad:*", "capacity", 1, "refill", Map.of("tokens", 1, "period", "1w"))));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).startsWith("rules[0] (bad): refill.period must");
    }

    @Test
    void shouldValidateTheWholeSetBeforeWritingAnything() {
        Api.Response r = api.put(
                "/v1/rules?prune=true",
                set(rule("added", 5), Map.of("id", "broken", "match", "b:*", "capacity", 0, "refillPerSecond", 1)));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("validation");
        assertThat(r.json().get("message").asText()).startsWith("rules[1] (broken): capacity must be");
        assertThat(api.get("/v1/rules/added").status()).isEqualTo(404);
        assertThat(api.get("/v1/rules/old").status()).isEqualTo(200);
        assertThat(api.put("/v1/rules", Map.of("rules", List.of(Map.of("match", "x:*"))))
                        .json()
                        .get("message")
                        .asText())
                .isEqualTo("rules[0]: id is required");
        assertThat(api.put("/v1/rules?dryRun=yes", set()).status()).isEqualTo(400);
        assertThat(api.send("PUT", "/v1/rules", set(), false).status()).isEqualTo(401);
    }

    @Test
    void shouldUndoEveryWriteWhenARuleChangedDuringTheApply() {
        var rules = node.rules();
        // The diff is taken, then someone changes 'old' before the apply reaches it
        RuleSetDiff diff =
                RuleSetDiff.of(rules.all(), List.of(parse("aaa-added", 3), parse("keep", 30), parse("old", 40)));
        assertThat(api.put("/v1/rules/old", Map.of("match", "old:*", "capacity", 99, "refillPerSecond", 1))
                        .status())
                .isEqualTo(200);

        assertThatThrownBy(() -> new RuleSetApplier(rules).apply(diff, true, System.currentTimeMillis()))
                .isInstanceOf(RuleSetApplier.ConflictException.class)
                .hasMessageContaining("rule 'old' changed");

        // Nothing of the set stayed: the added rule is gone, 'keep' is back to its capacity, 'old' is the other write
        assertThat(api.get("/v1/rules/aaa-added").status()).isEqualTo(404);
        assertThat(api.get("/v1/rules/keep").json().get("capacity").asLong()).isEqualTo(10);
        assertThat(api.get("/v1/rules/old").json().get("capacity").asLong()).isEqualTo(99);
    }

    private static Rule parse(String id, long capacity) {
        return TestRuleInput.of(id + ":*")
                .id(id)
                .capacity(capacity, 1.0)
                .build()
                .toRule(id);
    }

    private static List<String> texts(JsonNode array) {
        return texts(array == null ? List.of() : toList(array));
    }

    private static List<JsonNode> toList(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    private static List<String> texts(List<JsonNode> nodes) {
        return nodes.stream().map(JsonNode::asText).toList();
    }
}
