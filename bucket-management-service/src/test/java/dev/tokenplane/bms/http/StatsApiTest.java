package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GET /v1/stats on one real member: per-rule counts of real decisions and the top denied keys. */
class StatsApiTest extends SharedBmsTest {

    @Test
    void shouldCountGrantsDenialsAndShadowDenialsPerRuleAndFindTheMostDeniedKey() {
        api.put("/v1/rules/st-hard", Map.of("match", "sthard:*", "capacity", 1, "refillPerSecond", 0.001));
        api.put(
                "/v1/rules/st-shadow",
                Map.of("match", "stshadow:*", "capacity", 1, "refillPerSecond", 0.001, "shadow", true));
        for (int i = 0; i < 6; i++) {
            api.post("/v1/buckets/sthard:hot/acquire", null); // 1 granted, 5 denied
        }
        api.post("/v1/buckets/sthard:cold/acquire", null);
        api.post("/v1/buckets/sthard:cold/acquire", null); // 1 granted, 1 denied
        api.post("/v1/buckets/stshadow:a/acquire", null);
        api.post("/v1/buckets/stshadow:a/acquire", null); // 1 granted, 1 shadow-denied

        JsonNode hard = ruleStats("st-hard");
        assertThat(hard.get("granted").asLong()).isEqualTo(2);
        assertThat(hard.get("denied").asLong()).isEqualTo(6);
        assertThat(hard.get("perSecond").get("denied")).hasSize(300);
        JsonNode shadow = ruleStats("st-shadow");
        assertThat(shadow.get("granted").asLong()).isEqualTo(1);
        assertThat(shadow.get("shadowDenied").asLong()).isEqualTo(1);

        JsonNode top = api.get("/v1/stats?rule=st-hard&top=2").json().get("topDeniedKeys");
        assertThat(top.get(0).get("key").asText()).isEqualTo("sthard:hot");
        assertThat(top.get(0).get("ruleId").asText()).isEqualTo("st-hard");
        assertThat(top.get(0).get("denials").asLong()).isEqualTo(5);
        assertThat(top.get(1).get("key").asText()).isEqualTo("sthard:cold");
    }

    @Test
    void shouldAnswerForTheWholeMemberAndRejectBadParameters() {
        JsonNode all = api.get("/v1/stats").json();
        assertThat(all.get("windowSeconds").asInt()).isEqualTo(60);
        assertThat(all.get("members").asInt()).isEqualTo(1);
        assertThat(all.get("membersAnswered").asInt()).isEqualTo(1);

        for (String bad : new String[] {"seconds=0", "seconds=301", "top=101", "top=x", "rule="}) {
            Api.Response r = api.get("/v1/stats?" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isEqualTo("validation");
        }
        assertThat(api.getAnonymous("/v1/stats").status()).isEqualTo(401);
    }

    private static JsonNode ruleStats(String rule) {
        JsonNode[] found = new JsonNode[1];
        // Counted when the decision is answered; the window is 300 s, so nothing leaves it during the test
        Await.until(() -> {
            JsonNode rules =
                    api.get("/v1/stats?seconds=300&rule=" + rule).json().get("rules");
            found[0] = rules.size() == 1 ? rules.get(0) : null;
            return found[0] != null;
        });
        return found[0];
    }
}
