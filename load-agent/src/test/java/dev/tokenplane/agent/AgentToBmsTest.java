package dev.tokenplane.agent;

import static dev.tokenplane.agent.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.bms.BmsNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole agent, sampling this machine, reporting to a real BMS member started by the test. */
class AgentToBmsTest {

    private static final String AGENT_TOKEN = "agent-token-for-the-real-bms-0123456789";
    private static final long STALE_MS = 1_000;
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private BmsNode bms;
    private AgentRunner agent;

    @BeforeEach
    void startBms() throws Exception {
        bms = TestBms.start(Map.of("BMS_AGENT_TOKEN", AGENT_TOKEN, "BMS_AGENT_STALE_MS", Long.toString(STALE_MS)));
    }

    @AfterEach
    void stopAll() {
        if (agent != null) {
            agent.close();
        }
        if (bms != null) {
            bms.stop();
        }
    }

    private String get(String path) {
        HttpResponse<String> r;
        try {
            r = http.send(
                    HttpRequest.newBuilder(URI.create(bms.url() + path))
                            .header("Authorization", "Bearer " + bms.adminToken())
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return r.body();
    }

    /** This server's entry of {@code GET /v1/agents}, or null. */
    private JsonObject listed(String serverId) {
        JsonArray agents = new JsonObject(get("/v1/agents")).getJsonArray("agents");
        for (int i = 0; i < agents.size(); i++) {
            if (serverId.equals(agents.getJsonObject(i).getString("serverId"))) {
                return agents.getJsonObject(i);
            }
        }
        return null;
    }

    private boolean listedWith(String serverId, boolean stale, int reports) {
        JsonObject a = listed(serverId);
        return a != null
                && a.getBoolean("stale") == stale
                && a.getJsonArray("reports").size() >= reports;
    }

    @Test
    void shouldShowTheReportsFreshInTheBmsAndGoStaleOnceTheAgentStops() throws Exception {
        // Given an agent reporting this machine's load to the BMS every 200 ms, with the BMS's agent token
        agent = AgentRunner.start(AgentConfig.builder()
                .serverId("it-real-1")
                .bmsUrls(bms.url())
                .bmsToken(AGENT_TOKEN)
                .intervalMillis(200)
                .port(0)
                .set(AgentSetting.REGION, "eu-west")
                .set(AgentSetting.POOL, "checkout")
                .build());

        // Then GET /v1/agents shows it, fresh, with the machine's values, and reports keep arriving
        await(WAIT, "it-real-1 fresh with 2 reports", () -> listedWith("it-real-1", false, 2));
        JsonObject first = listed("it-real-1");
        await(
                WAIT,
                "a newer report",
                () -> listed("it-real-1").getLong("lastReportAt") > first.getLong("lastReportAt"));
        JsonObject fresh = listed("it-real-1");
        JsonObject latest = fresh.getJsonObject("latest");
        assertThat(fresh.getString("region")).isEqualTo("eu-west");
        assertThat(fresh.getString("pool")).isEqualTo("checkout");
        assertThat(fresh.getLong("lastReportAt")).isCloseTo(System.currentTimeMillis(), within(5_000L));
        assertThat(latest.getLong("timestamp")).isCloseTo(System.currentTimeMillis(), within(5_000L));
        assertThat(latest.getDouble("cpu")).isBetween(0.0, 1.0);
        assertThat(latest.getDouble("memory")).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(latest.getDouble("loadPerCore")).isGreaterThanOrEqualTo(0.0);
        assertThat(latest.getDouble("netRxBytesPerSec")).isGreaterThanOrEqualTo(0.0);
        assertThat(latest.getDouble("diskWriteBytesPerSec")).isGreaterThanOrEqualTo(0.0);
        assertThat(get("/metrics"))
                .contains(
                        "bms_agents{state=\"fresh\"} 1.0",
                        "bms_agents{state=\"stale\"} 0.0",
                        "bms_agent_report_age_max_seconds ");

        // When the agent stops
        agent.close();
        agent = null;
        long stoppedAt = System.currentTimeMillis();

        // Then, once BMS_AGENT_STALE_MS has passed without a report, the BMS shows it stale, with its last values
        await(WAIT, "it-real-1 stale", () -> listedWith("it-real-1", true, 2));
        JsonObject stale = listed("it-real-1");
        assertThat(stale.getLong("lastReportAt")).isLessThanOrEqualTo(stoppedAt);
        assertThat(System.currentTimeMillis() - stale.getLong("lastReportAt")).isGreaterThan(STALE_MS);
        assertThat(stale.getJsonObject("latest").getDouble("cpu")).isBetween(0.0, 1.0);
        assertThat(get("/metrics")).contains("bms_agents{state=\"fresh\"} 0.0", "bms_agents{state=\"stale\"} 1.0");
    }
}
