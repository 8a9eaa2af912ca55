package dev.tokenplane.sizing;

/**
 * A forecaster's memory: the smoothed demand rate and its trend.
 *
 * @param level        smoothed demand, tokens per second
 * @param trend        change of the level per observation, tokens per second (always 0 for EWMA)
 * @param observations how many observations went in, saturating at {@link Integer#MAX_VALUE}
 */
public record ForecastState(double level, double trend, int observations) {

    private static final ForecastState EMPTY = new ForecastState(0, 0, 0);

    /** No observation yet. */
    public static ForecastState empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return observations == 0;
    }

    ForecastState next(double newLevel, double newTrend) {
        return new ForecastState(newLevel, newTrend, observations == Integer.MAX_VALUE ? observations : observations + 1);
    }
}
