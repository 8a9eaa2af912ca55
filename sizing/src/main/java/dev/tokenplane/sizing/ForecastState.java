package dev.tokenplane.sizing;

import java.util.Arrays;

/**
 * A forecaster's memory: the smoothed demand rate, its trend and, for a seasonal forecaster, one index per slot of the
 * season. Immutable.
 *
 * @param level        smoothed demand, tokens per second (for {@link Forecaster.Seasonal}, without the season)
 * @param trend        change of the level per observation, tokens per second (always 0 for EWMA)
 * @param observations how many observations went in, saturating at {@link Integer#MAX_VALUE}
 * @param season       the seasonal indices, tokens per second added to the level in each slot of the season; empty
 *                     for a forecaster without a season (a copy is kept and handed out)
 */
public record ForecastState(double level, double trend, int observations, double[] season) {

    private static final double[] NO_SEASON = new double[0];
    private static final ForecastState EMPTY = new ForecastState(0, 0, 0);

    public ForecastState {
        season = season == null || season.length == 0 ? NO_SEASON : season.clone();
    }

    /** A state without a season. */
    public ForecastState(double level, double trend, int observations) {
        this(level, trend, observations, NO_SEASON);
    }

    /** No observation yet. */
    public static ForecastState empty() {
        return EMPTY;
    }

    public boolean isEmpty() {
        return observations == 0;
    }

    /** A copy of the seasonal indices. */
    @Override
    public double[] season() {
        return season.clone();
    }

    /** The number of seasonal slots (0 without a season). */
    public int seasonSlots() {
        return season.length;
    }

    /** The seasonal index of {@code slot}, without a copy. */
    double seasonAt(int slot) {
        return season[slot];
    }

    ForecastState next(double newLevel, double newTrend) {
        return new ForecastState(newLevel, newTrend, nextCount(), NO_SEASON);
    }

    ForecastState next(double newLevel, double newTrend, double[] newSeason) {
        return new ForecastState(newLevel, newTrend, nextCount(), newSeason);
    }

    private int nextCount() {
        return observations == Integer.MAX_VALUE ? observations : observations + 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForecastState f
                && Double.compare(level, f.level) == 0
                && Double.compare(trend, f.trend) == 0
                && observations == f.observations
                && Arrays.equals(season, f.season);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * Double.hashCode(level) + Double.hashCode(trend)) + observations)
                + Arrays.hashCode(season);
    }

    @Override
    public String toString() {
        return "ForecastState[level=" + level + ", trend=" + trend + ", observations=" + observations + ", seasonSlots="
                + season.length + "]";
    }
}
