package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.agents.AgentReport;
import dev.tokenplane.bms.agents.AgentState;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.sizing.LoadSample;
import dev.tokenplane.sizing.LoadSignal;
import dev.tokenplane.sizing.PressureConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which load each bucket follows, from a snapshot of the agents' reports. */
class LoadSignalsTest {
    private static final long NOW = 1_000_000;
    private static final long STALE_MS = 1_000;

    private static AgentState agent(String server, String pool, long receivedAt, Double cpu, Double p99) {
        AgentReport r = new AgentReport(
                server, receivedAt - 5, "eu", pool, cpu, 0.5, 0.2, 10.0, 30.0, 4.0, 6.0, 100.0, 1.0, p99, 0.3, 0.6);
        return AgentState.append(null, r, receivedAt, 5);
    }

    private static Rule.Transfer pool(String name) {
        return new Rule.Transfer(name, true, true, 1, null, 0.1);
    }

    private static LoadSignals signals(AgentState... agents) {
        return LoadSignals.of(List.of(agents), NOW, STALE_MS, PressureConfig.defaults());
    }

    private static LoadSample reported(LoadSignal signal) {
        assertThat(signal).isInstanceOf(LoadSignal.Reported.class);
        return ((LoadSignal.Reported) signal).sample();
    }

    @Test
    void shouldFollowTheServersOwnLatestReportStampedWithTheReceiveTime() {
        LoadSignals loads = signals(agent("web-1", "web", NOW - 100, 0.42, 80.0), agent("web-2", "web", NOW, 0.9, 1.0));

        LoadSample sample = reported(loads.forBucket("server/web-1", pool("web")));

        assertThat(sample.atMillis()).isEqualTo(NOW - 100);
        assertThat(sample.cpu()).isEqualTo(0.42);
        assertThat(sample.memory()).isEqualTo(0.5);
        assertThat(sample.netUtilisation()).isEqualTo(0.3);
        assertThat(sample.diskBusy()).isEqualTo(0.6);
        assertThat(sample.latencyP99Ms()).isEqualTo(80.0);
    }

    @Test
    void shouldCallAServerBucketWithoutAnyReportMissing() {
        assertThat(signals(agent("web-1", "web", NOW, 0.1, 1.0)).forBucket("server/web-9", null))
                .isInstanceOf(LoadSignal.Missing.class);
    }

    @Test
    void shouldFollowTheWorstFreshServerOfThePool() {
        LoadSignals loads = signals(
                agent("web-1", "web", NOW, 0.3, 10.0),
                agent("web-2", "web", NOW - 200, 0.2, 900.0), // latency 900 of 1000 ms: the worst pressure
                agent("web-3", "web", NOW - 5_000, 1.0, 5_000.0), // stale: left out
                agent("db-1", "db", NOW, 1.0, 10.0));

        LoadSample sample = reported(loads.forBucket("tenant-a:checkout", pool("web")));

        assertThat(sample.latencyP99Ms()).isEqualTo(900.0);
        assertThat(sample.atMillis()).isEqualTo(NOW - 200);
    }

    @Test
    void shouldHandThePolicyTheNewestStaleReportWhenTheWholePoolIsStale() {
        LoadSignals loads =
                signals(agent("web-1", "web", NOW - 9_000, 0.99, 1.0), agent("web-2", "web", NOW - 3_000, 0.1, 1.0));

        assertThat(reported(loads.forBucket("tenant-a:x", pool("web"))).atMillis())
                .isEqualTo(NOW - 3_000);
    }

    @Test
    void shouldLeaveBucketsTiedToNoServerUntracked() {
        LoadSignals loads = signals(agent("web-1", "web", NOW, 0.99, 1.0));

        assertThat(loads.forBucket("tenant-a:x", null)).isInstanceOf(LoadSignal.Untracked.class);
        assertThat(loads.forBucket("tenant-a:x", pool("no-agents-here"))).isInstanceOf(LoadSignal.Untracked.class);
    }

    @Test
    void shouldTurnAbsentSignalsIntoNaN() {
        AgentState bare = AgentState.append(
                null,
                new AgentReport(
                        "web-1", null, null, null, 0.5, null, null, null, null, null, 7.0, null, null, null, null, 0.7),
                NOW,
                5);

        LoadSample sample = reported(signals(bare).forBucket("server/web-1", null));

        assertThat(sample.cpu()).isEqualTo(0.5);
        assertThat(sample.memory()).isNaN();
        assertThat(sample.netUtilisation()).isNaN();
        assertThat(sample.diskBusy()).isEqualTo(0.7);
        assertThat(sample.latencyP99Ms()).isNaN();
    }
}
