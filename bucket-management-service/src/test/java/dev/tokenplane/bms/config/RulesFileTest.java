package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.http.Json;
import dev.tokenplane.bms.rules.InvalidInputException;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.Algorithm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RulesFileTest {

    @Test
    void shouldBundleTheExampleTiers() throws Exception {
        Map<String, Rule> rules =
                RulesFile.examples(Json.STRICT).stream().collect(Collectors.toMap(Rule::id, Function.identity()));

        assertThat(rules.get("free").match()).isEqualTo("free:*");
        assertThat(rules.get("free").refillPerSecond()).isEqualTo(5.0);
        assertThat(rules.get("free").capacity()).isEqualTo(10);
        assertThat(rules.get("enterprise").refillPerSecond()).isEqualTo(100.0);
        assertThat(rules.get("login").capacity()).isEqualTo(5);
        assertThat(rules.get("login").refillPerSecond() * 60).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(rules.get("servers").match()).isEqualTo("server/*");
        assertThat(rules.get("servers").adaptiveEnabled()).isTrue();
    }

    @Test
    void shouldReadARefillWrittenAsTokensPerPeriodInYamlAndJson() {
        String yaml = "rules:\n  - id: a\n    match: \"a:*\"\n    capacity: 5\n    refill: {tokens: 5, period: 1m}\n";
        String json = "{\"rules\":[{\"id\":\"a\",\"match\":\"a:*\",\"capacity\":5,"
                + "\"refill\":{\"tokens\":5,\"period\":\"PT1M\"}}]}";

        Rule fromYaml = RulesFile.parse(yaml, "rules.yaml", Json.STRICT).get(0);
        Rule fromJson = RulesFile.parse(json, "rules.json", Json.STRICT).get(0);

        assertThat(fromYaml.refillPerSecond())
                .isEqualTo(fromJson.refillPerSecond())
                .isEqualTo(5.0 / 60);
        assertThat(fromYaml.refill()).isEqualTo(new Rule.Refill(5, "1m"));
        assertThatThrownBy(() -> RulesFile.parse(yaml.replace("1m", "1 minute"), "rules.yaml", Json.STRICT))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("refill.period");
    }

    @Test
    void shouldReadJsonAndYamlAlikeAndNameTheBadEntry() {
        String yaml = "rules:\n  - id: a\n    match: \"a:*\"\n    capacity: 3\n    refillPerSecond: 1.5\n"
                + "    algorithm: LEAKY_BUCKET\n";
        String json = "{\"rules\":[{\"id\":\"a\",\"match\":\"a:*\",\"capacity\":3,\"refillPerSecond\":1.5,"
                + "\"algorithm\":\"LEAKY_BUCKET\"}]}";

        List<Rule> fromYaml = RulesFile.parse(yaml, "rules.yaml", Json.STRICT);
        List<Rule> fromJson = RulesFile.parse(json, "rules.json", Json.STRICT);

        assertThat(fromYaml).isEqualTo(fromJson);
        assertThat(fromYaml.get(0).algorithm()).isEqualTo(Algorithm.LEAKY_BUCKET);
        assertThatThrownBy(() -> RulesFile.parse(
                        "rules:\n  - id: a\n    match: \"a:*\"\n    capacity: 0\n" + "    refillPerSecond: 1\n",
                        "f.yaml",
                        Json.STRICT))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("f.yaml: rules[0]")
                .hasMessageContaining("capacity");
        assertThatThrownBy(() -> RulesFile.parse(
                        "rules:\n  - id: a\n    match: \"a:*\"\n    capacity: 1\n"
                                + "    refillPerSecond: 1\n    surprise: 1\n",
                        "f.yaml",
                        Json.STRICT))
                .hasMessageContaining("surprise");
        assertThatThrownBy(() -> RulesFile.parse("nothing: here", "f.yaml", Json.STRICT))
                .hasMessageContaining("'rules'");
    }

    @Test
    void shouldLoadTheRulesFileAtEveryStartWithoutRewritingUnchangedRules() throws Exception {
        TestSettings settings = TestSettings.member().with("BMS_ADMIN_TOKEN", "rules-file-admin-token-0001");
        Path file = settings.dataDir().resolve("rules.json");
        Files.writeString(
                file,
                "{\"rules\":[{\"id\":\"tier-gold\",\"match\":\"gold:*\",\"capacity\":42," + "\"refillPerSecond\":4}]}");
        settings.with("BMS_RULES_FILE", file.toString());

        try (BmsNode first = BmsNode.start(settings.build())) {
            Api api = new Api(first.url(), "rules-file-admin-token-0001");
            assertThat(api.get("/v1/rules/tier-gold").json().get("capacity").asLong())
                    .isEqualTo(42);
            assertThat(api.get("/v1/rules/free").status()).isEqualTo(404); // a rules file replaces the examples
        }
        try (BmsNode again = BmsNode.start(settings.build())) {
            Api api = new Api(again.url(), "rules-file-admin-token-0001");
            assertThat(api.get("/v1/rules/tier-gold").json().get("version").asLong())
                    .isEqualTo(1);
        }
    }
}
