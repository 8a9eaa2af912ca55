package dev.tokenplane.sizing;

/**
 * One-step-ahead forecast of a bucket's demand rate from one observation per tick. Pure and immutable: the state goes
 * in and out as a {@link ForecastState}, so the caller can keep it with the bucket.
 */
public sealed interface Forecaster {

    /** The state after observing {@code demandPerSecond}. The first observation sets the level. */
    ForecastState update(ForecastState state, double demandPerSecond);

    /** The demand expected at the next tick, tokens per second, never negative; 0 before any observation. */
    double predict(ForecastState state);

    /**
     * Exponentially weighted moving average: {@code level = alpha * x + (1 - alpha) * level}; the forecast is the
     * level. Lags a step change by about {@code 1 / alpha} ticks and never overshoots it.
     *
     * @param alpha weight of the newest observation, in (0, 1]
     */
    record Ewma(double alpha) implements Forecaster {

        public static final double DEFAULT_ALPHA = 0.5;

        public Ewma {
            Ranges.openClosed("alpha", alpha, 0, 1);
        }

        @Override
        public ForecastState update(ForecastState state, double demandPerSecond) {
            double x = sanitise(demandPerSecond);
            double level = state.isEmpty() ? x : alpha * x + (1 - alpha) * state.level();
            return state.next(level, 0);
        }

        @Override
        public double predict(ForecastState state) {
            return Math.max(0, state.level());
        }
    }

    /**
     * Holt's linear method (level plus trend) with a damped trend (Gardner and McKenzie):
     * <pre>
     * level' = alpha * x + (1 - alpha) * (level + phi * trend)
     * trend' = beta * (level' - level) + (1 - beta) * phi * trend
     * forecast = level' + phi * trend'
     * </pre>
     * Follows a ramp without lag; overshoots a step by about the trend it built. {@code phi = 1} is plain Holt.
     *
     * @param alpha level smoothing, in (0, 1]
     * @param beta  trend smoothing, in (0, 1]
     * @param phi   trend damping, in (0, 1]
     */
    record Holt(double alpha, double beta, double phi) implements Forecaster {

        public static final double DEFAULT_ALPHA = 0.5;
        public static final double DEFAULT_BETA = 0.3;
        public static final double DEFAULT_PHI = 0.9;

        public Holt {
            Ranges.openClosed("alpha", alpha, 0, 1);
            Ranges.openClosed("beta", beta, 0, 1);
            Ranges.openClosed("phi", phi, 0, 1);
        }

        @Override
        public ForecastState update(ForecastState state, double demandPerSecond) {
            double x = sanitise(demandPerSecond);
            if (state.isEmpty()) {
                return state.next(x, 0);
            }
            double level = alpha * x + (1 - alpha) * (state.level() + phi * state.trend());
            double trend = beta * (level - state.level()) + (1 - beta) * phi * state.trend();
            return state.next(level, trend);
        }

        @Override
        public double predict(ForecastState state) {
            return Math.max(0, state.level() + phi * state.trend());
        }
    }

    /** EWMA with {@link Ewma#DEFAULT_ALPHA}. */
    static Forecaster ewma() {
        return new Ewma(Ewma.DEFAULT_ALPHA);
    }

    /** Holt with {@link Holt#DEFAULT_ALPHA}, {@link Holt#DEFAULT_BETA}, {@link Holt#DEFAULT_PHI}. */
    static Forecaster holt() {
        return new Holt(Holt.DEFAULT_ALPHA, Holt.DEFAULT_BETA, Holt.DEFAULT_PHI);
    }

    /** A negative, NaN or infinite demand is a caller's bug; treat it as no demand rather than poison the state. */
    private static double sanitise(double x) {
        return Double.isFinite(x) && x > 0 ? x : 0;
    }
}
