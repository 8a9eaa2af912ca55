package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AvailabilityTest {
    private final Availability availability = new Availability();

    @Test
    void shouldGoDownOnceAndScheduleProbesFurtherApart() {
        // When two decisions find no BMS at nearly the same time
        boolean first = availability.markDown(1_000, 100);
        boolean second = availability.markDown(1_005, 100);

        // Then one of them made the transition, and the first probe is due 100 ms after it
        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(availability.down()).isTrue();
        assertThat(availability.retryAfterMs(1_040)).isEqualTo(60);

        // And failed probes push the next one out
        assertThat(availability.probeFailed(1_100, 400)).isEqualTo(1);
        assertThat(availability.probeFailed(1_500, 800)).isEqualTo(2);
        assertThat(availability.state().nextProbeAt()).isEqualTo(2_300);
        assertThat(availability.retryAfterMs(5_000)).isEqualTo(1);
    }

    @Test
    void shouldReportHowLongItWasDownWhenItComesBack() {
        availability.markDown(1_000, 50);

        assertThat(availability.markUp(4_250)).isEqualTo(3_250);
        assertThat(availability.down()).isFalse();
        assertThat(availability.markUp(5_000)).isEqualTo(-1);
        assertThat(availability.probeFailed(5_000, 10)).isZero();
    }
}
