package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code BMS_MAX_AGENTS} and the paging of {@code GET /v1/agents}, over real HTTP on a member of its own. */
class AgentCapTest {
    static final int MAX_AGENTS = 5;
    static BmsNode node;
    static Api api;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(TestSettings.member()
                .with("BMS_MAX_AGENTS", Integer.toString(MAX_AGENTS))
                .build());
        api = new Api(node.url(), node.adminToken());
        for (int i = 1; i <= MAX_AGENTS; i++) {
            assertThat(report("cap-" + i).status()).isEqualTo(202);
        }
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    static Api.Response report(String server) {
        return api.post("/v1/agents/" + server + "/reports", AgentsApiTest.report(0.4));
    }

    @Test
    void shouldRefuseANewServerPastTheCapAndKeepTakingKnownOnes() {
        Api.Response refused = report("cap-new");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(503);
        assertThat(refused.json().get("error").asText()).isEqualTo("too_many_agents");
        assertThat(refused.json().get("message").asText()).contains("BMS_MAX_AGENTS");
        assertThat(refused.header("Retry-After")).isEqualTo("60");

        assertThat(report("cap-3").status()).isEqualTo(202);
        List<String> listed = new ArrayList<>();
        api.get("/v1/agents?limit=1000")
                .json()
                .get("agents")
                .forEach(a -> listed.add(a.get("serverId").asText()));
        assertThat(listed).hasSize(MAX_AGENTS).doesNotContain("cap-new");
    }

    @Test
    void shouldPageTheAgentsList() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/v1/agents?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            assertThat(page.get("agents").size()).isLessThanOrEqualTo(2);
            page.get("agents").forEach(a -> seen.add(a.get("serverId").asText()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asText();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("cap-1", "cap-2", "cap-3", "cap-4", "cap-5");
        assertThat(api.get("/v1/agents?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/v1/agents?cursor=%25%25").json().get("error").asText())
                .isEqualTo("validation");
    }
}
