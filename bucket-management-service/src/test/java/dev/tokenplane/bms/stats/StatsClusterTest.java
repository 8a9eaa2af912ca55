package dev.tokenplane.bms.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestCluster;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two real members: decisions answered by either show in GET /v1/stats on both (the statistics cross the network as
 * IdentifiedDataSerializable tasks and answers).
 */
class StatsClusterTest {

    @Test
    void shouldMergeEveryMembersCountsAndDeniedKeys() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0);
            cluster.start(1);
            Api a = cluster.api(0);
            Api b = cluster.api(1);
            a.put("/v1/rules/sc", Map.of("match", "sc:*", "capacity", 2, "refillPerSecond", 0.001));
            dev.tokenplane.bms.support.Await.until(() -> b.get("/v1/rules/sc").status() == 200);

            for (int i = 0; i < 4; i++) {
                a.post("/v1/buckets/sc:hot/acquire", null); // 2 granted, 2 denied (answered by a)
            }
            for (int i = 0; i < 3; i++) {
                b.post("/v1/buckets/sc:hot/acquire", null); // 3 denied (answered by b)
            }
            b.post("/v1/buckets/sc:other/acquire", null); // 1 granted (answered by b)

            for (Api asked : new Api[] {a, b}) {
                JsonNode stats = asked.get("/v1/stats?rule=sc").json();
                assertThat(stats.get("members").asInt()).isEqualTo(2);
                assertThat(stats.get("membersAnswered").asInt()).isEqualTo(2);
                JsonNode rule = stats.get("rules").get(0);
                assertThat(rule.get("granted").asLong()).isEqualTo(3);
                assertThat(rule.get("denied").asLong()).isEqualTo(5);
                JsonNode top = stats.get("topDeniedKeys").get(0);
                assertThat(top.get("key").asText()).isEqualTo("sc:hot");
                assertThat(top.get("denials").asLong()).isEqualTo(5);
            }
        }
    }
}
