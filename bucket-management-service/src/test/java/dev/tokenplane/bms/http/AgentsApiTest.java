package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.SharedBms;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Agent report intake and the agents list over real HTTP. */
class AgentsApiTest extends SharedBmsTest {

    static Map<String, Object> report(double cpu) {
        Map<String, Object> r = new HashMap<>();
        r.put("timestamp", System.currentTimeMillis());
        r.put("region", "eu-west");
        r.put("pool", "web");
        r.put("cpu", cpu);
        r.put("memory", 0.5);
        r.put("loadPerCore", 0.7);
        r.put("netRxBytesPerSec", 1000.0);
        r.put("netTxBytesPerSec", 2000);
        r.put("diskReadBytesPerSec", 0);
        r.put("diskWriteBytesPerSec", 10);
        r.put("netUtilisation", 0.25);
        r.put("diskBusy", 0.5);
        r.put("requestsPerSecond", 120.5);
        r.put("latencyP50Ms", 3.5);
        r.put("latencyP99Ms", 40);
        return r;
    }

    @Test
    void shouldAcceptReportsWithTheAgentTokenAndKeepTheLatestFew() {
        for (int i = 0; i < AgentRegistry.KEEP_REPORTS + 3; i++) {
            Api.Response r = api.send(
                    "POST",
                    "/v1/agents/aa-web-1/reports",
                    report(i / 10.0),
                    false,
                    "Authorization",
                    "Bearer " + SharedBms.AGENT_TOKEN);
            assertThat(r.status()).isEqualTo(202);
        }
        // the admin token is accepted too
        assertThat(api.post("/v1/agents/aa-web-2/reports", report(0.1)).status())
                .isEqualTo(202);

        JsonNode agent = agent("aa-web-1");
        assertThat(agent.get("region").asText()).isEqualTo("eu-west");
        assertThat(agent.get("pool").asText()).isEqualTo("web");
        assertThat(agent.get("stale").asBoolean()).isFalse();
        assertThat(agent.get("lastReportAt").asLong()).isPositive();
        assertThat(agent.get("latest").get("cpu").asDouble()).isEqualTo((AgentRegistry.KEEP_REPORTS + 2) / 10.0);
        assertThat(agent.get("latest").get("latencyP99Ms").asDouble()).isEqualTo(40.0);
        assertThat(agent.get("latest").get("netUtilisation").asDouble()).isEqualTo(0.25);
        assertThat(agent.get("latest").get("diskBusy").asDouble()).isEqualTo(0.5);
        assertThat(agent.get("reports")).hasSize(AgentRegistry.KEEP_REPORTS);
    }

    @Test
    void shouldMarkAnAgentStaleWhenItsReportsStop() {
        api.post("/v1/agents/aa-quiet/reports", report(0.2));
        Await.until(() -> agent("aa-quiet") != null);
        assertThat(agent("aa-quiet").get("stale").asBoolean()).isFalse();

        Await.until(() -> agent("aa-quiet").get("stale").asBoolean());

        String metrics = api.getAnonymous("/metrics").body();
        assertThat(metrics).containsPattern("bms_agents\\{state=\"stale\"} [1-9]");
        // one series for all agents, none per server (their number is not bounded by the operator)
        assertThat(metrics)
                .containsPattern("bms_agent_report_age_max_seconds \\d")
                .doesNotContain("server=\"aa-quiet\"");
    }

    @Test
    void shouldRejectOutOfRangeValuesAndWrongTokens() {
        Map<String, Object> hot = report(1.5);
        Api.Response r = api.post("/v1/agents/aa-bad/reports", hot);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("cpu").contains("[0, 1]");
        for (String field : new String[] {"netUtilisation", "diskBusy"}) {
            Map<String, Object> busy = report(0.1);
            busy.put(field, 1.2);
            Api.Response tooBusy = api.post("/v1/agents/aa-bad/reports", busy);
            assertThat(tooBusy.status()).isEqualTo(400);
            assertThat(tooBusy.json().get("message").asText()).contains(field).contains("[0, 1]");
        }

        Api.Response wrong = api.send(
                "POST", "/v1/agents/aa-bad/reports", report(0.1), false, "Authorization", "Bearer not-the-agent-token");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(agent("aa-bad")).isNull();
    }

    static JsonNode agent(String serverId) {
        for (JsonNode a : api.get("/v1/agents").json().get("agents")) {
            if (a.get("serverId").asText().equals(serverId)) {
                return a;
            }
        }
        return null;
    }
}
