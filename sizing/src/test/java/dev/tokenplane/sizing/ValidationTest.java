package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Validation messages name the field and the allowed range. */
class ValidationTest {

    @Test
    void shouldRejectAdaptiveSettingsOutsideTheirRanges() {
        assertThatThrownBy(() -> new AdaptiveSettings(1.2, 0.3, 1.5, 0.8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("thresholdHigh must be in (0.0, 1.0], was 1.2");
        assertThatThrownBy(() -> new AdaptiveSettings(0.5, 0.5, 1.5, 0.8))
                .hasMessage("thresholdLow must be in (0.0, 0.5), was 0.5");
        assertThatThrownBy(() -> new AdaptiveSettings(0.8, 0.3, 1.0, 0.8))
                .hasMessage("growthFactor must be a finite number > 1.0, was 1.0");
        assertThatThrownBy(() -> new AdaptiveSettings(0.8, 0.3, 1.5, 1.0))
                .hasMessage("shrinkFactor must be in (0.0, 1.0), was 1.0");
    }

    @Test
    void shouldRejectBadSizesAndWindows() {
        assertThatThrownBy(() -> new BucketSize(0, 1)).hasMessage("capacity must be >= 1, was 0");
        assertThatThrownBy(() -> new BucketSize(1, 0))
                .hasMessage("refillPerSecond must be a finite number > 0.0, was 0.0");
        assertThatThrownBy(() -> new SizeLimits(10, 5, 1)).hasMessage("maxCapacity must be >= 10, was 5");
        assertThatThrownBy(() -> new DemandWindow(-1, 0, 1000)).hasMessage("attempted must be >= 0, was -1");
    }

    @Test
    void shouldRejectBadPolicySettings() {
        assertThatThrownBy(() -> PressureConfig.defaults().withBand(0.8, 0.9))
                .hasMessage("pressureTarget must be in (0.0, 0.8], was 0.9");
        assertThatThrownBy(() -> PressureConfig.defaults().withSmoothing(0))
                .hasMessage("smoothing must be in (0.0, 1.0], was 0.0");
        assertThatThrownBy(() -> DampingConfig.defaults().withMaxSteps(0.5, 1.0))
                .hasMessage("maxStepDown must be in (0.0, 1.0), was 1.0");
        assertThatThrownBy(() -> DampingConfig.defaults().withCooldownMillis(-1))
                .hasMessage("cooldownMillis must be >= 0, was -1");
        assertThatThrownBy(() -> new Forecaster.Ewma(0)).hasMessage("alpha must be in (0.0, 1.0], was 0.0");
        assertThatThrownBy(() -> new SizingConfig(null, PressureConfig.defaults(), DampingConfig.defaults()))
                .hasMessage("forecaster is required");
    }

    @Test
    void shouldAcceptTheDefaults() {
        assertThatCode(() -> {
                    SizingConfig.defaults();
                    AdaptiveSettings.defaults();
                    Forecaster.holt();
                })
                .doesNotThrowAnyException();
    }
}
