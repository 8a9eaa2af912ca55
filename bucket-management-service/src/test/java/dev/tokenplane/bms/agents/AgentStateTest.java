package dev.tokenplane.bms.agents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The state kept per agent, and which of two copies of it is newer. */
class AgentStateTest {

    @Test
    void shouldKeepTheLatestReportsAndTellTheNewerCopyEvenWithinOneMillisecond() {
        AgentState one = AgentState.append(null, report(0.1), 1_000, 2);
        AgentState two = AgentState.append(one, report(0.2), 1_000, 2);
        AgentState three = AgentState.append(two, report(0.3), 1_000, 2);

        assertThat(three.reports()).extracting(AgentReport::cpu).containsExactly(0.2, 0.3);
        assertThat(three.received()).isEqualTo(3);
        assertThat(three.lastReportAt()).isEqualTo(1_000);
        // the same millisecond: only the count of reports tells them apart
        assertThat(three.isAtLeastAsNewAs(two)).isTrue();
        assertThat(two.isAtLeastAsNewAs(three)).isFalse();
        assertThat(two.isAtLeastAsNewAs(two)).isTrue();
    }

    private static AgentReport report(double cpu) {
        return new AgentReport(
                "web-1", null, "eu", "web", cpu, null, null, null, null, null, null, null, null, null, null, null);
    }
}
