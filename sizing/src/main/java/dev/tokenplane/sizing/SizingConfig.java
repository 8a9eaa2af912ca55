package dev.tokenplane.sizing;

/**
 * The policy-wide settings of {@link SizingPolicy}; the per-rule ones are {@link AdaptiveSettings}.
 *
 * @param forecaster how demand is forecast
 * @param pressure   how load becomes pressure, and where shedding starts
 * @param damping    the anti-oscillation rules
 */
public record SizingConfig(Forecaster forecaster, PressureConfig pressure, DampingConfig damping) {

    public SizingConfig {
        Ranges.required("forecaster", forecaster);
        Ranges.required("pressure", pressure);
        Ranges.required("damping", damping);
    }

    /** The defaults the simulator report compares (see docs/simulation/README.md). */
    public static SizingConfig defaults() {
        return new SizingConfig(Forecaster.ewma(), PressureConfig.defaults(), DampingConfig.defaults());
    }

    public SizingConfig withForecaster(Forecaster value) {
        return new SizingConfig(value, pressure, damping);
    }

    public SizingConfig withPressure(PressureConfig value) {
        return new SizingConfig(forecaster, value, damping);
    }

    public SizingConfig withDamping(DampingConfig value) {
        return new SizingConfig(forecaster, pressure, value);
    }
}
