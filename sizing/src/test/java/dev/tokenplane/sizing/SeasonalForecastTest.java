package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Holt-Winters on a "day" of 48 ticks: demand 100/s, and 300/s from tick 30 to 35 of every day. Time is the tick
 * count; nothing sleeps.
 */
class SeasonalForecastTest {

    private static final int DAY = 48;
    private static final int PEAK_START = 30;
    private static final int PEAK_END = 36;

    private static double demandAt(int tick) {
        int phase = tick % DAY;
        // a little deterministic wobble, so the season is learnt from imperfect days
        double wobble = ((tick * 7919) % 11 - 5) * 0.5;
        return (phase >= PEAK_START && phase < PEAK_END ? 300 : 100) + wobble;
    }

    private static ForecastState feed(Forecaster f, int ticks) {
        ForecastState state = ForecastState.empty();
        for (int t = 0; t < ticks; t++) {
            state = f.update(state, demandAt(t));
        }
        return state;
    }

    @Test
    void shouldForecastTheDailyPeakBeforeItComes() {
        // Given three days learnt, and the fourth day up to 4 ticks before its peak (a lead of 4 ticks reaches it)
        Forecaster seasonal = new Forecaster.Seasonal(0.2, 0, 0.5, DAY, DAY, 4);
        int beforePeak = 3 * DAY + PEAK_START - 3;
        ForecastState state = feed(seasonal, beforePeak);

        // Then the seasonal forecast already sees the peak, where EWMA and Holt see the quiet morning
        assertThat(seasonal.predict(state)).isGreaterThan(250);
        assertThat(Forecaster.ewma().predict(feed(Forecaster.ewma(), beforePeak)))
                .isLessThan(110);
        assertThat(Forecaster.holt().predict(feed(Forecaster.holt(), beforePeak)))
                .isLessThan(110);
    }

    @Test
    void shouldForecastTheQuietHoursAfterThePeak() {
        Forecaster seasonal = new Forecaster.Seasonal(0.2, 0, 0.5, DAY, DAY, 4);

        // the last peak tick of day four is behind us, and the next four ticks are quiet
        ForecastState state = feed(seasonal, 3 * DAY + PEAK_END);

        assertThat(seasonal.predict(state)).isCloseTo(100, within(10.0));
    }

    @Test
    void shouldOnlyLearnDuringTheFirstSeason() {
        Forecaster seasonal = new Forecaster.Seasonal(0.2, 0, 0.5, DAY, DAY, 4);

        // before a whole day is seen, the forecast is the mean so far, the peak not yet known
        ForecastState firstMorning = feed(seasonal, PEAK_START - 4);
        assertThat(seasonal.predict(firstMorning)).isCloseTo(100, within(3.0));
        // after it, the indices are the slots' means minus the day's mean: they sum to about 0
        double sum = 0;
        for (double s : feed(seasonal, DAY).season()) {
            sum += s;
        }
        assertThat(sum).isCloseTo(0, within(1e-6));
    }

    @Test
    void shouldKeepTheStateSmallWithCoarseSlots() {
        // a day of 86 400 one-second ticks in 96 slots of 15 minutes
        Forecaster.Seasonal daily = Forecaster.Seasonal.of(86_400);
        ForecastState state = daily.update(ForecastState.empty(), 50);

        assertThat(daily.seasonSlots()).isEqualTo(96);
        assertThat(daily.leadTicks()).isEqualTo(900);
        assertThat(state.seasonSlots()).isEqualTo(96);
        assertThat(daily.predict(state)).isEqualTo(50.0);
    }

    @Test
    void shouldGrowTheBucketBeforeThePeakNotAfter() {
        // Given the sizing policy with the seasonal forecaster, on a bucket that follows only its demand
        SizingPolicy seasonal = new SizingPolicy(
                SizingConfig.defaults().withForecaster(new Forecaster.Seasonal(0.2, 0, 0.5, DAY, DAY, 8)));
        SizingPolicy ewma = SizingPolicy.withDefaults();

        // When four days go by (a tick is a second of the fake clock)
        long[] seasonalSizes = run(seasonal, 4 * DAY);
        long[] ewmaSizes = run(ewma, 4 * DAY);

        // Then on the fourth day the seasonal bucket is ready at the first tick of the peak (300/s fits under
        // thresholdHigh), and EWMA's is not: it grows only once the peak has arrived
        int firstPeakTick = 3 * DAY + PEAK_START;
        assertThat(seasonalSizes[firstPeakTick] * AdaptiveSettings.DEFAULT_THRESHOLD_HIGH)
                .isGreaterThanOrEqualTo(300);
        assertThat(ewmaSizes[firstPeakTick] * AdaptiveSettings.DEFAULT_THRESHOLD_HIGH)
                .isLessThan(300);
        assertThat(seasonalSizes[firstPeakTick - 1]).isGreaterThan(seasonalSizes[firstPeakTick - 10]);
    }

    /** The bucket's size at each tick, before that tick's decision. */
    private static long[] run(SizingPolicy policy, int ticks) {
        SizeLimits limits = new SizeLimits(50, 2000, 1.0);
        long size = 200;
        SizingState state = SizingState.initial();
        long[] sizes = new long[ticks];
        for (int t = 0; t < ticks; t++) {
            sizes[t] = size;
            long attempted = Math.round(demandAt(t));
            DemandWindow demand = new DemandWindow(attempted, Math.min(attempted, size), 1000);
            SizingDecision d = policy.decide(
                    t * 1000L,
                    new SizingInput(
                            new BucketSize(size, limits.refillFor(size)),
                            limits,
                            AdaptiveSettings.defaults(),
                            demand,
                            LoadSignal.untracked(),
                            state,
                            false));
            state = d.state();
            size = d.capacity();
        }
        return sizes;
    }

    @Test
    void shouldRejectASeasonOutOfRange() {
        assertThatThrownBy(() -> new Forecaster.Seasonal(0.2, 0, 0.5, 1, 1, 1)).hasMessageContaining("seasonTicks");
        assertThatThrownBy(() -> new Forecaster.Seasonal(0.2, 0, 0.5, 100, 300, 1))
                .hasMessageContaining("seasonSlots must be in [1, 100], was 300");
        assertThatThrownBy(() -> new Forecaster.Seasonal(0.2, 0, 0.5, 100, 10, 101))
                .hasMessageContaining("leadTicks");
    }
}
