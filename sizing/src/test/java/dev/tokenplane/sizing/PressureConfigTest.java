package dev.tokenplane.sizing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PressureConfigTest {

    private final PressureConfig config = PressureConfig.defaults()
            .withTargets(0.8, 0.9, 100e6, 200e6, 500);

    @Test
    void shouldTakeTheWorstSignalAgainstItsTarget() {
        // cpu 0.4/0.8 = 0.5, memory 0.45/0.9 = 0.5, net 70/100 = 0.7, disk 20/200 = 0.1, p99 100/500 = 0.2
        LoadSample sample = new LoadSample(0, 0.4, 0.45, 70e6, 20e6, 100);

        assertThat(config.pressure(sample)).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void shouldClampToOne() {
        assertThat(config.pressure(LoadSample.of(0, 0.2, 2000))).isEqualTo(1.0);
    }

    @Test
    void shouldReportTheLevelUnclamped() {
        // latency p99 four times its 500 ms target: level 4, pressure 1
        assertThat(config.level(LoadSample.of(0, 0.2, 2000))).isEqualTo(4.0);
        assertThat(config.pressure(LoadSample.of(0, 0.2, 2000))).isEqualTo(1.0);
        // under every target, level and pressure agree: cpu 0.56 / 0.8 = 0.7
        assertThat(config.level(LoadSample.of(0, 0.56, 100))).isCloseTo(0.7, within(1e-12));
    }

    @Test
    void shouldIgnoreUnknownSignalsAndSwitchedOffTargets() {
        PressureConfig cpuOnly = config.withTargets(1.0, 0, 0, 0, 0);

        assertThat(config.pressure(new LoadSample(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)))
                .isZero();
        assertThat(cpuOnly.pressure(new LoadSample(0, 0.3, 0.99, 1e12, 1e12, 1e6))).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void shouldDefaultToCpuAndLatency() {
        PressureConfig defaults = PressureConfig.defaults();

        assertThat(defaults.pressure(LoadSample.of(0, 0.6, 700))).isCloseTo(0.7, within(1e-12));
        assertThat(defaults.pressureHigh()).isEqualTo(0.8);
        assertThat(defaults.pressureTarget()).isEqualTo(0.8);
    }
}
