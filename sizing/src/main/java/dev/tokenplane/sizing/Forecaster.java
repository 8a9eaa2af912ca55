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
     * Whether the forecast looks ahead of the demand seen (a season's coming peak) rather than smoothing it. The
     * policy then lets a bucket grow while its granted demand is still low: that is the point of anticipating.
     */
    default boolean anticipates() {
        return false;
    }

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

    /**
     * Holt-Winters, additive: level, trend and a season of {@code seasonTicks} observations (a day, in sizing ticks),
     * held in {@code seasonSlots} seasonal indices so the state stays small (a slot covers
     * {@code seasonTicks / seasonSlots} consecutive ticks). With {@code i} the slot of the observation's tick
     * ({@code t mod seasonTicks}, {@code t} counting observations):
     * <pre>
     * level' = alpha * (x - s[i]) + (1 - alpha) * (level + trend)
     * trend' = beta * (level' - level) + (1 - beta) * trend
     * s[i]'  = g * (x - level') + (1 - g) * s[i],   g = 1 - (1 - gamma)^(seasonSlots / seasonTicks)
     * forecast = level' + trend' + max(s[slot(t + h)] for h in 1..leadTicks)
     * </pre>
     * {@code g} spreads {@code gamma} over the ticks of a slot, so each pass of the season moves a slot's index by
     * {@code gamma} whatever the slot's width. The forecast takes the highest index of the next {@code leadTicks}
     * ticks: a bucket is grown for a peak the season says is coming, before it comes (growth is damped, so it needs
     * a few ticks). The first season only learns: the level is the mean so far, each index the mean of its slot; at
     * its end the indices become their slot's mean minus the season's mean, and the forecast is the level until then.
     *
     * <p>The phase counts observations (ticks with demand data), not wall-clock time: ticks without demand data shift
     * the season, which the smoothing then relearns.
     *
     * @param alpha       level smoothing, in (0, 1]
     * @param beta        trend smoothing, in [0, 1] (0: no trend)
     * @param gamma       seasonal smoothing per pass of the season, in (0, 1]
     * @param seasonTicks the season's length in ticks, in [2, {@value #MAX_SEASON_TICKS}]
     * @param seasonSlots the number of seasonal indices, in [1, min(seasonTicks, {@value #MAX_SEASON_SLOTS})]
     * @param leadTicks   how far ahead the forecast looks for a seasonal peak, in [1, seasonTicks]
     */
    record Seasonal(double alpha, double beta, double gamma, int seasonTicks, int seasonSlots, int leadTicks)
            implements Forecaster {

        public static final double DEFAULT_ALPHA = 0.2;
        public static final double DEFAULT_BETA = 0.0;
        public static final double DEFAULT_GAMMA = 0.5;
        public static final int DEFAULT_SEASON_SLOTS = 96;
        /** 100 days of one-second ticks. */
        public static final int MAX_SEASON_TICKS = 8_640_000;
        /** Five-minute slots of a day: 2.3 KB of state per bucket. */
        public static final int MAX_SEASON_SLOTS = 288;

        public Seasonal {
            Ranges.openClosed("alpha", alpha, 0, 1);
            Ranges.closed("beta", beta, 0, 1);
            Ranges.openClosed("gamma", gamma, 0, 1);
            Ranges.closed("seasonTicks", seasonTicks, 2, MAX_SEASON_TICKS);
            Ranges.closed("seasonSlots", seasonSlots, 1, Math.min(seasonTicks, MAX_SEASON_SLOTS));
            Ranges.closed("leadTicks", leadTicks, 1, seasonTicks);
        }

        /**
         * A season of {@code seasonTicks} with the default smoothing, {@code min(seasonTicks, 96)} slots, and a lead
         * of one slot.
         */
        public static Seasonal of(int seasonTicks) {
            int slots = Math.min(seasonTicks, DEFAULT_SEASON_SLOTS);
            return new Seasonal(
                    DEFAULT_ALPHA, DEFAULT_BETA, DEFAULT_GAMMA, seasonTicks, slots, Math.max(1, seasonTicks / slots));
        }

        @Override
        public boolean anticipates() {
            return true;
        }

        @Override
        public ForecastState update(ForecastState state, double demandPerSecond) {
            double x = sanitise(demandPerSecond);
            if (state.seasonSlots() != seasonSlots) {
                state = ForecastState.empty(); // a new forecaster (or another season): start learning again
            }
            long t = state.observations();
            int slot = slotOf(t);
            double[] season = state.isEmpty() ? new double[seasonSlots] : state.season();
            if (t < seasonTicks) {
                // the first season: means of everything and of each slot
                double level = state.level() + (x - state.level()) / (t + 1);
                season[slot] += (x - season[slot]) / (t - firstTickOf(slot) + 1);
                if (t + 1 == seasonTicks) {
                    for (int i = 0; i < seasonSlots; i++) {
                        season[i] -= level;
                    }
                }
                return state.next(level, 0, season);
            }
            double level = alpha * (x - season[slot]) + (1 - alpha) * (state.level() + state.trend());
            double trend = beta * (level - state.level()) + (1 - beta) * state.trend();
            double g = 1 - Math.pow(1 - gamma, (double) seasonSlots / seasonTicks);
            season[slot] = g * (x - level) + (1 - g) * season[slot];
            return state.next(level, trend, season);
        }

        @Override
        public double predict(ForecastState state) {
            long t = state.observations();
            if (t < seasonTicks || state.seasonSlots() != seasonSlots) {
                return Math.max(0, state.level());
            }
            double peak = Double.NEGATIVE_INFINITY;
            for (int h = 1; h <= leadTicks; h++) {
                peak = Math.max(peak, state.seasonAt(slotOf(t - 1 + h)));
            }
            return Math.max(0, state.level() + state.trend() + peak);
        }

        /** The slot of the tick {@code t} (counted from the first observation). */
        private int slotOf(long t) {
            return (int) ((t % seasonTicks) * seasonSlots / seasonTicks);
        }

        /** The first tick of the season that falls in {@code slot}. */
        private long firstTickOf(int slot) {
            return ((long) slot * seasonTicks + seasonSlots - 1) / seasonSlots;
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
