package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ForecasterTest {

    private static ForecastState feed(Forecaster forecaster, double... observations) {
        ForecastState state = ForecastState.empty();
        for (double x : observations) {
            state = forecaster.update(state, x);
        }
        return state;
    }

    @Test
    void shouldStartFromTheFirstObservation() {
        assertThat(Forecaster.ewma().predict(feed(Forecaster.ewma(), 80))).isEqualTo(80.0);
        assertThat(Forecaster.holt().predict(feed(Forecaster.holt(), 80))).isEqualTo(80.0);
        assertThat(Forecaster.ewma().predict(ForecastState.empty())).isZero();
    }

    @Test
    void shouldMoveEwmaByAlphaTowardsEachObservation() {
        Forecaster ewma = new Forecaster.Ewma(0.5);

        // 100, then 200: 150; then 200 again: 175
        assertThat(ewma.predict(feed(ewma, 100, 200))).isEqualTo(150.0);
        assertThat(ewma.predict(feed(ewma, 100, 200, 200))).isEqualTo(175.0);
        assertThat(feed(ewma, 100, 200, 200).observations()).isEqualTo(3);
    }

    @Test
    void shouldFollowARampCloserWithHoltThanWithEwma() {
        double[] ramp = new double[30];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = 10 + 5 * i; // the next value would be 160
        }
        double ewma = Forecaster.ewma().predict(feed(Forecaster.ewma(), ramp));
        double holt = Forecaster.holt().predict(feed(Forecaster.holt(), ramp));

        assertThat(Math.abs(160 - holt)).isLessThan(Math.abs(160 - ewma));
        assertThat(ewma).isLessThan(155); // EWMA lags a ramp by about (1 - alpha) / alpha steps
    }

    @Test
    void shouldMatchHoltsEquationsOnAHandCheckedStep() {
        Forecaster.Holt holt = new Forecaster.Holt(0.5, 0.5, 1.0);
        // level 10, trend 0; then x = 20: level = 0.5*20 + 0.5*(10 + 0) = 15; trend = 0.5*(15-10) + 0.5*0 = 2.5
        ForecastState state = feed(holt, 10, 20);

        assertThat(state.level()).isEqualTo(15.0);
        assertThat(state.trend()).isEqualTo(2.5);
        assertThat(holt.predict(state)).isEqualTo(17.5);
    }

    @Test
    void shouldNeverPredictNegativeDemandNorAcceptGarbage() {
        Forecaster holt = new Forecaster.Holt(1.0, 1.0, 1.0);
        // a steep fall builds a negative trend
        assertThat(holt.predict(feed(holt, 100, 0))).isZero();
        assertThat(Forecaster.ewma().predict(feed(Forecaster.ewma(), Double.NaN, -5, Double.POSITIVE_INFINITY)))
                .isZero();
    }

    @Test
    void shouldDampHoltsTrend() {
        Forecaster damped = new Forecaster.Holt(0.5, 0.3, 0.5);
        Forecaster plain = new Forecaster.Holt(0.5, 0.3, 1.0);
        double[] ramp = {10, 20, 30, 40, 50};

        assertThat(damped.predict(feed(damped, ramp))).isLessThan(plain.predict(feed(plain, ramp)));
        assertThat(plain.predict(feed(plain, ramp))).isCloseTo(55, within(10.0));
    }
}
