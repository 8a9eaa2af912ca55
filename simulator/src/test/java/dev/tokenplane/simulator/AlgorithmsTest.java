package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.sizing.AdaptiveSettings;
import dev.tokenplane.sizing.DemandWindow;
import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.LoadSample;
import dev.tokenplane.sizing.PressureConfig;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The baselines do what the report says they do. */
class AlgorithmsTest {

    private static final Scenario.Rule RULE = new Scenario.Rule(10, 400, AdaptiveSettings.defaults());

    private static SizingAlgorithm.Observation observe(long capacity, long attempted, long granted, double cpu) {
        return new SizingAlgorithm.Observation(
                capacity, new DemandWindow(attempted, granted, 1000), Optional.of(LoadSample.of(0, cpu, 100)));
    }

    @Test
    void aimdShouldAddOneOnSuccessAndBackOffOnOverload() {
        SizingAlgorithm.Controller aimd = new AimdAlgorithm(1000).controllerFor(RULE);

        assertThat(aimd.decide(0, observe(100, 100, 100, 0.5))).isEqualTo(101);
        assertThat(aimd.decide(1000, observe(101, 100, 100, 0.95))).isEqualTo(91); // 101 * 0.9 = 90.9
        // app-limited (granted * 2 < limit): no growth
        assertThat(aimd.decide(2000, observe(91, 40, 40, 0.5))).isEqualTo(91);
    }

    @Test
    void clampOnlyShouldApplyTheSeedEveryTickWithoutDamping() {
        SizingAlgorithm.Controller clamp =
                new ClampOnlyAlgorithm(Forecaster.ewma(), PressureConfig.defaults()).controllerFor(RULE);

        assertThat(clamp.decide(0, observe(100, 90, 90, 0.2))).isEqualTo(150);
        // the very next tick, no cooldown: the forecast (90 + 200) / 2 = 145 > 0.8 * 150
        assertThat(clamp.decide(1000, observe(150, 200, 150, 0.2))).isEqualTo(225);
        // hot: x0.8
        assertThat(clamp.decide(2000, observe(225, 200, 200, 0.95))).isEqualTo(180);
    }

    private static SizingAlgorithm.Observation latency(long capacity, long granted, long atMillis, double p99) {
        return new SizingAlgorithm.Observation(
                capacity, new DemandWindow(granted, granted, 1000), Optional.of(LoadSample.of(atMillis, 0.5, p99)));
    }

    @Test
    void gradient2ShouldGrowBySqrtWhileLatencyIsUsualAndBackOffWhenItRises() {
        SizingAlgorithm.Controller gradient = new Gradient2Algorithm().controllerFor(RULE);

        // latency at its long-term level: gradient 1, limit + sqrt(limit) * smoothing = 100 + 10 * 0.2
        assertThat(gradient.decide(0, latency(100, 100, 1000, 100))).isEqualTo(102);
        // the same report again is no new sample
        assertThat(gradient.decide(1000, latency(102, 100, 1000, 100))).isEqualTo(102);
        // latency four times the long-term average (now (100 + 400) / 2 = 250): gradient 0.625, a back-off
        long backedOff = gradient.decide(2000, latency(102, 100, 2000, 400));
        assertThat(backedOff).isLessThan(102);
        // app-limited (granted < limit / 2): no change
        assertThat(gradient.decide(3000, latency(backedOff, 20, 3000, 100))).isEqualTo(backedOff);
    }

    @Test
    void aimdShouldCountABusyDiskAsOverload() {
        SizingAlgorithm.Controller aimd = new AimdAlgorithm(1000).controllerFor(RULE);
        SizingAlgorithm.Observation diskBound = new SizingAlgorithm.Observation(
                100,
                new DemandWindow(100, 100, 1000),
                Optional.of(new LoadSample(0, 0.1, Double.NaN, Double.NaN, 0.95, 100)));

        assertThat(aimd.decide(0, diskBound)).isEqualTo(90);
    }

    @Test
    void fixedShouldNeverMove() {
        SizingAlgorithm.Controller fixed = new FixedAlgorithm().controllerFor(RULE);

        assertThat(fixed.decide(0, observe(100, 1000, 100, 0.99))).isEqualTo(100);
    }
}
