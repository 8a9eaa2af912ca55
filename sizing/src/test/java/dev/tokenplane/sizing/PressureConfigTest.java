package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PressureConfigTest {

    private final PressureConfig config = PressureConfig.defaults().withTargets(0.8, 0.9, 0.5, 0.8, 500);

    @Test
    void shouldTakeTheWorstSignalAgainstItsTarget() {
        // cpu 0.4/0.8 = 0.5, memory 0.45/0.9 = 0.5, net 0.35/0.5 = 0.7, disk 0.08/0.8 = 0.1, p99 100/500 = 0.2
        LoadSample sample = new LoadSample(0, 0.4, 0.45, 0.35, 0.08, 100);

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
        assertThat(cpuOnly.pressure(new LoadSample(0, 0.3, 0.99, 1, 1, 1e6))).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void shouldDefaultToCpuLatencyNetworkAndDisk() {
        PressureConfig defaults = PressureConfig.defaults();

        assertThat(defaults.pressure(LoadSample.of(0, 0.6, 700))).isCloseTo(0.7, within(1e-12));
        // an idle CPU in front of a busy disk or link: the device's pressure, as the CPU's would be
        assertThat(defaults.pressure(new LoadSample(0, 0.1, 0.2, Double.NaN, 0.95, 10)))
                .isCloseTo(0.95, within(1e-12));
        assertThat(defaults.pressure(new LoadSample(0, 0.1, 0.2, 0.4, Double.NaN, 10)))
                .isCloseTo(0.4, within(1e-12));
        assertThat(defaults.pressureHigh()).isEqualTo(0.8);
        assertThat(defaults.pressureTarget()).isEqualTo(0.8);
    }

    @Test
    void shouldRejectIoTargetsOutsideTheUnitInterval() {
        assertThatThrownBy(() -> PressureConfig.defaults().withTargets(1, 1, 1.5, 0.8, 0))
                .hasMessageContaining("netUtilisationTarget must be in [0.0, 1.0], was 1.5");
        assertThatThrownBy(() -> PressureConfig.defaults().withTargets(1, 1, 0.8, -0.1, 0))
                .hasMessageContaining("diskBusyTarget");
    }
}
