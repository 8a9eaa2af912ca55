package dev.tokenplane.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.core.AgentReport;
import dev.tokenplane.agent.core.LatencySummary;
import dev.tokenplane.agent.core.SystemLoad;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    private static JsonObject json(double netUtilisation, double diskBusy) {
        return ReportJson.toJson(new AgentReport(
                1,
                "eu",
                "web",
                new SystemLoad(0.1, 0.2, 0.3, 1, 2, 3, 4, netUtilisation, diskBusy),
                new LatencySummary(0, 0, 0, 0)));
    }

    @Test
    void shouldSendTheUtilisationOfLinksAndDisks() {
        JsonObject body = json(0.25, 0.95);

        assertThat(body.getDouble("netUtilisation")).isEqualTo(0.25);
        assertThat(body.getDouble("diskBusy")).isEqualTo(0.95);
    }

    @Test
    void shouldLeaveOutWhatItCannotTell() {
        JsonObject body = json(Double.NaN, Double.NaN);

        assertThat(body.containsKey("netUtilisation")).isFalse();
        assertThat(body.containsKey("diskBusy")).isFalse();
        assertThat(body.getDouble("cpu")).isEqualTo(0.1);
    }
}
