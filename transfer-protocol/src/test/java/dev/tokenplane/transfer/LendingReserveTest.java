package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A lender's reserve follows its forecast: {@code max(configured, min(capacity, forecast · horizon))}. */
class LendingReserveTest {
    private static final long T = Tokens.SCALE;

    private final LendingReserve overOneSecond = new LendingReserve(Duration.ofSeconds(1));

    @Test
    void shouldKeepTheForecastDemandOverTheHorizon() {
        assertThat(overOneSecond.forecastNanos(40, 100)).isEqualTo(40 * T);
        assertThat(new LendingReserve(Duration.ofMillis(250)).forecastNanos(40, 100))
                .isEqualTo(10 * T);
        assertThat(overOneSecond.forecastNanos(400, 100))
                .as("at most the capacity")
                .isEqualTo(100 * T);
        assertThat(overOneSecond.forecastNanos(0, 100)).isZero();
        assertThat(overOneSecond.forecastNanos(-3, 100)).isZero();
        assertThat(overOneSecond.forecastNanos(Double.NaN, 100)).isZero();
        assertThat(overOneSecond.forecastNanos(Double.POSITIVE_INFINITY, 100)).isEqualTo(100 * T);
    }

    @Test
    void shouldKeepTheLargerOfTheConfiguredReserveAndTheForecast() {
        assertThat(LendingReserve.reserveNanos(10 * T, 40 * T, 100)).isEqualTo(40 * T);
        assertThat(LendingReserve.reserveNanos(10 * T, 4 * T, 100)).isEqualTo(10 * T);
        assertThat(LendingReserve.reserveNanos(10 * T, 0, 100)).isEqualTo(10 * T);
    }

    @Test
    void shouldLendLessTickByTickWhileALendersForecastRises() {
        // Given two lenders of 100 holding 80 each, reserve fraction 0.1, on a pool ticking every second of a fake
        // clock; one's forecast demand rises by 10 tokens/s a tick, the other's stays at 0
        FakeClock clock = new FakeClock();
        LendingReserve reserve = new LendingReserve(Duration.ofSeconds(1));
        long started = clock.millis();
        long lastSpare = Long.MAX_VALUE;
        for (int tick = 0; tick < 10; tick++) {
            clock.advance(1_000);
            double rising = 10.0 * (clock.millis() - started) / 1_000;
            Lender risingLender = new Lender("rising", 80 * T, 100, 0.1, "", true, reserve.forecastNanos(rising, 100));
            Lender steady = new Lender("steady", 80 * T, 100, 0.1, "", true, reserve.forecastNanos(0, 100));

            // Then the rising one's spare shrinks every tick until it lends nothing; the steady one's stays 70
            assertThat(steady.spareNanos()).isEqualTo(70 * T);
            assertThat(risingLender.spareNanos())
                    .isEqualTo(Math.max(0, 80 * T - Math.max(10 * T, (long) (rising * T))))
                    .isLessThanOrEqualTo(steady.spareNanos())
                    .isLessThanOrEqualTo(lastSpare);
            lastSpare = risingLender.spareNanos();
        }
        assertThat(lastSpare).isZero();
    }

    @Test
    void shouldRefuseAHorizonUnderOneMillisecond() {
        assertThatThrownBy(() -> new LendingReserve(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("horizon");
    }
}
