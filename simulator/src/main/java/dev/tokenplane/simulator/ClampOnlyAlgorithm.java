package dev.tokenplane.simulator;

import dev.tokenplane.sizing.ClampFunction;
import dev.tokenplane.sizing.ForecastState;
import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;

/**
 * Clamp-only: the seed's pseudocode as written ({@link ClampFunction}), every tick, with no damping. The forecast is
 * the same EWMA as ours, and the pressure is computed the same way from the latest report, whatever its age (the seed
 * has no staleness rule), or 0 before the first report.
 */
public final class ClampOnlyAlgorithm implements SizingAlgorithm {

    private final Forecaster forecaster;
    private final PressureConfig pressure;

    public ClampOnlyAlgorithm(Forecaster forecaster, PressureConfig pressure) {
        this.forecaster = forecaster;
        this.pressure = pressure;
    }

    @Override
    public String name() {
        return "clamp-only";
    }

    @Override
    public Controller controllerFor(Scenario.Rule rule) {
        return new Controller() {
            private ForecastState forecast = ForecastState.empty();

            @Override
            public long decide(long nowMillis, Observation observation) {
                if (!observation.demand().hasData()) {
                    return observation.capacity();
                }
                forecast = forecaster.update(forecast, observation.demand().attemptedPerSecond());
                double load = observation.latestReport().map(pressure::pressure).orElse(0.0);
                // refill = capacity per second, so a rate is already in capacity units
                ClampFunction.Step step = ClampFunction.apply(
                        forecaster.predict(forecast),
                        observation.capacity(),
                        load,
                        pressure.pressureHigh(),
                        rule.adaptive(),
                        rule.limits());
                return rule.limits().clamp(Math.round(step.size()));
            }
        };
    }
}
