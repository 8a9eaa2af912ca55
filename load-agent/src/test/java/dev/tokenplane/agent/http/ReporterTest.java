package dev.tokenplane.agent.http;

import static dev.tokenplane.agent.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.AgentMetrics;
import dev.tokenplane.agent.core.AgentReport;
import dev.tokenplane.agent.core.BackoffPolicy;
import dev.tokenplane.agent.core.LatencySummary;
import dev.tokenplane.agent.core.SystemLoad;
import dev.tokenplane.agent.core.TopOfRange;
import dev.tokenplane.agent.http.FakeBms.Mode;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reporter against a BMS stand-in that refuses, fails, hangs, rejects, goes away and comes back. */
class ReporterTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final RandomGenerator TOP = TopOfRange.INSTANCE;

    private Vertx vertx;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private AgentMetrics metrics;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        metrics = new AgentMetrics();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // stopped by the test already
            }
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private FakeBms bms() throws Exception {
        FakeBms bms = FakeBms.start(vertx);
        closeables.add(bms);
        return bms;
    }

    private Reporter reporter(int buffer, long timeoutMillis, String... urls) {
        Reporter reporter = new Reporter(
                vertx,
                new ReporterSettings(
                        List.of(urls),
                        "server-1",
                        Optional.of("t0ken"),
                        buffer,
                        new BackoffPolicy(50, 400),
                        timeoutMillis),
                metrics,
                TOP);
        closeables.add(
                () -> reporter.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS));
        return reporter;
    }

    private static AgentReport report(long timestamp) {
        return new AgentReport(
                timestamp,
                "eu-west",
                "pool-a",
                new SystemLoad(0.5, 0.25, 0.75, 1_000, 2_000, 3_000, 4_000),
                new LatencySummary(10, 10.0, 4.5, 20.0));
    }

    private static List<Long> timestamps(List<FakeBms.Request> requests) {
        return requests.stream().map(r -> r.body().getLong("timestamp")).toList();
    }

    @Test
    void shouldBackOffLongerEachRoundWhileTheBmsFailsAndResumeWhenItRecovers() throws Exception {
        // Given a BMS that answers 500
        FakeBms bms = bms().mode(Mode.ERROR_500);
        Reporter reporter = reporter(10, 1_000, bms.url());

        // When one report is submitted
        reporter.submit(report(1));
        await(
                WAIT,
                () -> "attempts " + bms.attempts().size(),
                () -> bms.attempts().size() >= 6);

        // Then the waits between attempts grow 50, 100, 200, 400 ms and stay capped at 400
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < 6; i++) {
            gapsMs.add(TimeUnit.NANOSECONDS.toMillis(
                    bms.attempts().get(i).atNanos() - bms.attempts().get(i - 1).atNanos()));
        }
        long[] ceilings = {50, 100, 200, 400, 400};
        for (int i = 0; i < ceilings.length; i++) {
            assertThat(gapsMs.get(i)).as("gap %d of %s", i, gapsMs).isGreaterThanOrEqualTo(ceilings[i] - 5);
        }
        assertThat(reporter.backoffMillis()).isEqualTo(400);
        // The fake BMS records an attempt before the reporter has read its 500: wait for the count to catch up
        await(WAIT, () -> "failures counted " + metrics.reportsFailed(), () -> metrics.reportsFailed() >= 6);
        assertThat(metrics.scrape()).contains("agent_backoff_seconds 0.4");

        // When the BMS recovers, Then the report goes out and the backoff resets
        bms.mode(Mode.ACCEPT);
        await(WAIT, "report accepted after recovery", () -> bms.accepted().size() == 1);
        await(WAIT, "backoff reset", () -> reporter.backoffMillis() == 0);
        assertThat(reporter.buffered()).isZero();
        assertThat(metrics.reportsSent()).isEqualTo(1);
    }

    @Test
    void shouldKeepTheBufferBoundedDroppingTheOldestAndSendTheRestWhenTheBmsComesUp() throws Exception {
        // Given nothing listens on the BMS port (connections refused)
        FakeBms bms = bms();
        bms.stop();
        Reporter reporter = reporter(5, 1_000, bms.url());

        // When 12 reports are submitted while it is down
        for (long t = 1; t <= 12; t++) {
            reporter.submit(report(t));
        }

        // Then only the newest 5 are kept, and 7 drops are counted
        await(WAIT, "a failed attempt", () -> metrics.reportsFailed() >= 1);
        assertThat(reporter.buffered()).isEqualTo(5);
        assertThat(metrics.reportsDropped()).isEqualTo(7);
        assertThat(metrics.scrape()).contains("agent_reports_dropped_total 7.0").contains("agent_buffer_size 5.0");

        // When the BMS starts, Then the 5 kept reports arrive, oldest first
        bms.restart();
        await(
                WAIT,
                () -> "accepted " + timestamps(bms.accepted()),
                () -> bms.accepted().size() == 5);
        assertThat(timestamps(bms.accepted())).containsExactly(8L, 9L, 10L, 11L, 12L);
        // the server records a report before its answer reaches the reporter
        await(WAIT, "buffer drained", () -> reporter.buffered() == 0);
    }

    @Test
    void shouldFailOverToTheSecondUrlWhenTheFirstRefusesConnections() throws Exception {
        // Given the first URL refuses connections and the second works
        String dead = "http://127.0.0.1:" + FakeBms.freePort();
        FakeBms bms = bms();
        Reporter reporter = reporter(10, 1_000, dead, bms.url());

        // When three reports are submitted
        for (long t = 1; t <= 3; t++) {
            reporter.submit(report(t));
        }

        // Then all three reach the second URL, after a single failure and without backing off
        await(WAIT, "three reports on the second URL", () -> bms.accepted().size() == 3);
        assertThat(timestamps(bms.accepted())).containsExactly(1L, 2L, 3L);
        assertThat(reporter.currentEndpoint()).isEqualTo(bms.url());
        assertThat(metrics.reportsFailed()).isEqualTo(1);
        assertThat(reporter.backoffMillis()).isZero();
    }

    @Test
    void shouldTimeOutOnAHangingBmsAndFailOver() throws Exception {
        // Given the first BMS accepts connections but never answers
        FakeBms hanging = bms().mode(Mode.HANG);
        FakeBms healthy = bms();
        Reporter reporter = reporter(10, 300, hanging.url(), healthy.url());

        // When
        reporter.submit(report(42));

        // Then the request times out and the report reaches the second BMS, complete and authenticated
        await(WAIT, "report on the second BMS", () -> healthy.accepted().size() == 1);
        assertThat(hanging.attempts()).hasSize(1);
        FakeBms.Request request = healthy.accepted().get(0);
        assertThat(request.path()).isEqualTo("/v1/agents/server-1/reports");
        assertThat(request.authorization()).isEqualTo("Bearer t0ken");
        assertThat(request.body().fieldNames())
                .containsExactlyInAnyOrder(
                        "timestamp",
                        "region",
                        "pool",
                        "cpu",
                        "memory",
                        "loadPerCore",
                        "netRxBytesPerSec",
                        "netTxBytesPerSec",
                        "diskReadBytesPerSec",
                        "diskWriteBytesPerSec",
                        "requestsPerSecond",
                        "latencyP50Ms",
                        "latencyP99Ms");
        assertThat(request.body().getDouble("cpu")).isEqualTo(0.5);
        assertThat(request.body().getDouble("latencyP99Ms")).isEqualTo(20.0);
        assertThat(request.body().getString("pool")).isEqualTo("pool-a");
    }

    @Test
    void shouldRecoverWhenTheBmsIsStoppedAndRestartedOnTheSamePort() throws Exception {
        // Given a working BMS that got one report over a kept-alive connection
        FakeBms bms = bms();
        Reporter reporter = reporter(10, 1_000, bms.url());
        reporter.submit(report(1));
        await(WAIT, "first report sent", () -> metrics.reportsSent() == 1);

        // When the BMS is stopped, reports keep coming, and it starts again on the same port
        bms.stop();
        reporter.submit(report(2));
        reporter.submit(report(3));
        await(WAIT, "a failed send while down", () -> metrics.reportsFailed() >= 1);
        assertThat(reporter.buffered()).isEqualTo(2);
        bms.restart();

        // Then the same reporter delivers the buffered reports, in order
        await(
                WAIT,
                () -> "accepted " + timestamps(bms.accepted()),
                () -> bms.accepted().size() == 3);
        assertThat(timestamps(bms.accepted())).containsExactly(1L, 2L, 3L);
        await(WAIT, "three sends counted", () -> metrics.reportsSent() == 3);
        assertThat(reporter.buffered()).isZero();
    }

    @Test
    void shouldDropAReportTheBmsRejectsAsInvalidAndGoOn() throws Exception {
        FakeBms bms = bms().mode(Mode.REJECT_400);
        Reporter reporter = reporter(10, 1_000, bms.url());

        reporter.submit(report(1));
        await(WAIT, "rejection counted", () -> metrics.reportsFailed() == 1);
        await(WAIT, "rejected report dropped", () -> reporter.buffered() == 0);
        bms.mode(Mode.ACCEPT);
        reporter.submit(report(2));

        await(WAIT, "next report accepted", () -> bms.accepted().size() == 1);
        assertThat(timestamps(bms.accepted())).containsExactly(2L);
        assertThat(reporter.backoffMillis()).isZero();
    }
}
