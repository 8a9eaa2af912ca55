package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The new scenarios exercise what they are named for. */
class ScenariosTest {

    private static LaneTrace run(Scenario scenario, SizingAlgorithm algorithm) {
        Workload workload = Workload.draw(scenario, ServerModel.DEFAULT, 1);
        return new Simulation(ServerModel.DEFAULT)
                .run(scenario, algorithm, workload)
                .lanes()
                .get(0);
    }

    @Test
    void shouldKeepAnIoBoundServersDiskOutOfSaturationWithOurs() {
        Scenario io = Scenarios.ioBound();
        LaneTrace ours = run(io, new PolicyAlgorithm("ours", SizingConfig.defaults()));
        LaneTrace fixed = run(io, new FixedAlgorithm());

        // after the rise to 260 r/s the disk (200 r/s) is the bottleneck: ours sizes the bucket to it, not the demand
        double lastCapacity = ours.capacity()[io.ticks() - 1];
        assertThat(lastCapacity).isBetween(120.0, 200.0);
        double oursDisk = Arrays.stream(ours.cpu(), 120, io.ticks()).average().orElseThrow();
        assertThat(oursDisk).isLessThan(0.9);
        // and the trace charts the disk, which a fixed bucket of 150 keeps at about 0.75
        assertThat(Arrays.stream(fixed.cpu(), 120, io.ticks()).average().orElseThrow())
                .isBetween(0.65, 0.85);
    }

    @Test
    void shouldVaryTheDailyCycleFromSecondToSecondWithTheSeed() {
        Scenario daily = Scenarios.dailyCycle();
        Workload a = Workload.draw(daily, ServerModel.DEFAULT, 1);
        Workload b = Workload.draw(daily, ServerModel.DEFAULT, 2);

        double sumA = 0;
        double sumB = 0;
        for (int step = 0; step < daily.ticks() * Workload.SUB_STEPS; step++) {
            sumA += a.arrivals(0, step);
            sumB += b.arrivals(0, step);
        }
        // the same cycle, other noise: totals close, not equal
        assertThat(sumA).isNotEqualTo(sumB);
        assertThat(Math.abs(sumA - sumB) / sumA).isLessThan(0.05);
    }

    private static Run runAll(Scenario scenario, SizingAlgorithm algorithm) {
        return new Simulation(ServerModel.DEFAULT)
                .run(scenario, algorithm, Workload.draw(scenario, ServerModel.DEFAULT, 1));
    }

    @Test
    void shouldKeepCriticalRequestsUnder3xOverloadWithOursAndShareAlikeWithoutPriority() {
        Scenario priority = Scenarios.priorityMix();

        List<Double> ours =
                Metrics.classGranted(runAll(priority, new PolicyAlgorithm("ours", SizingConfig.defaults())));
        List<Double> aimd = Metrics.classGranted(runAll(priority, new AimdAlgorithm(1000)));

        // ours: critical keeps >= 99 %, and the lower the class the more of the denials it takes
        assertThat(ours.get(0)).isGreaterThanOrEqualTo(99.0);
        assertThat(ours).isSortedAccordingTo(java.util.Comparator.reverseOrder());
        assertThat(ours.get(3)).isLessThan(5.0);
        // first come, first served: every class gets about the same share (about a third at 3x)
        for (double share : aimd) {
            assertThat(share).isCloseTo(aimd.get(0), within(3.0)).isBetween(20.0, 40.0);
        }
    }

    @Test
    void shouldChangeNothingWithPrioritiesWhenThereIsNoPressure() {
        Scenario quiet = new Scenario(
                "quiet",
                "quiet",
                "",
                60,
                List.of(new Scenario.Lane("s1", s -> 50, tick -> new Scenario.ServerConditions(200, 20), 100)),
                Scenarios.RULE,
                List.of(),
                List.of(),
                tick -> true,
                Scenarios.PRIORITY_MIX,
                false);

        List<Double> ours = Metrics.classGranted(runAll(quiet, new PolicyAlgorithm("ours", SizingConfig.defaults())));

        assertThat(ours).allSatisfy(share -> assertThat(share).isEqualTo(100.0));
    }

    @Test
    void shouldBorrowAcrossRegionsWithoutCreatingTokensAndOverAdmitLessWithOurs() {
        Scenario region = Scenarios.regionOutage();
        Run clamp = runAll(region, new ClampOnlyAlgorithm(Forecaster.ewma(), PressureConfig.defaults()));
        Run ours = runAll(region, new PolicyAlgorithm("ours", SizingConfig.defaults()));
        Run fixed = runAll(region, new FixedAlgorithm());

        // clamp-only shrinks the eu buckets, which then admit more than their own tokens: borrowed from the others
        LaneTrace euA = clamp.lanes().get(0);
        assertThat(euA.laneId()).isEqualTo("eu-a");
        double ownTokens = region.lanes().get(0).initialCapacity() + sum(euA.capacity());
        assertThat(sum(euA.served())).isGreaterThan(ownTokens);
        // but the pool never admits more than its own tokens, for any algorithm
        for (Run run : List.of(clamp, ours, fixed)) {
            assertThat(Metrics.tokensCreated(run, region)).isZero();
        }
        // ours does not borrow for the crippled region, so it admits far less beyond its servers
        Metrics oursMetrics = Metrics.of(ours, region);
        assertThat(oursMetrics.overAdmittedPerSecond())
                .isLessThan(Metrics.of(clamp, region).overAdmittedPerSecond())
                .isLessThan(Metrics.of(fixed, region).overAdmittedPerSecond() / 3);
    }

    private static double sum(double[] values) {
        return Arrays.stream(values).sum();
    }
}
