package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.sizing.ForecastState;
import dev.tokenplane.sizing.SizingState;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The stored form of a bucket's sizing state. */
class SizingStatesProperties {

    @Property
    void shouldDecodeWhatItEncoded(
            @ForAll double level,
            @ForAll double trend,
            @ForAll int observations,
            @ForAll double pressure,
            @ForAll long sampleAt,
            @ForAll long resizedAt,
            @ForAll long shedAt) {
        SizingState state =
                new SizingState(new ForecastState(level, trend, observations), pressure, sampleAt, resizedAt, shedAt);

        assertThat(SizingStates.decode(SizingStates.encode(state))).isEqualTo(state);
    }

    @Property
    void shouldDecodeASeasonalForecast(
            @ForAll double level,
            @ForAll int observations,
            @ForAll @Size(min = 1, max = 288) double[] season,
            @ForAll long resizedAt) {
        SizingState state = new SizingState(
                new ForecastState(level, 0, observations, season), 0.5, 7, resizedAt, SizingState.NEVER);

        SizingState decoded = SizingStates.decode(SizingStates.encode(state));

        assertThat(decoded).isEqualTo(state);
        assertThat(decoded.forecast().season()).containsExactly(season);
    }

    @Example
    void shouldWriteAStateWithoutASeasonAsBeforeForMembersOfThePreviousRelease() {
        SizingState plain = new SizingState(new ForecastState(1, 2, 3), 0.5, 7, 8, 9);

        assertThat(SizingStates.encode(plain)).hasSize(53).startsWith((byte) 1);
    }

    @Example
    void shouldStartAfreshFromATruncatedSeason() {
        byte[] bytes =
                SizingStates.encode(new SizingState(new ForecastState(1, 0, 3, new double[] {1, 2, 3}), 0, 0, 0, 0));

        assertThat(SizingStates.decode(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isNull();
    }

    @Example
    void shouldStartAfreshFromAnEncodingItDoesNotKnow() {
        byte[] bytes = SizingStates.encode(SizingState.initial());
        bytes[0] = 99;

        assertThat(SizingStates.decode(bytes)).isNull();
        assertThat(SizingStates.decode(new byte[3])).isNull();
        assertThat(SizingStates.decode(SizingStates.encode(SizingState.initial())))
                .isEqualTo(SizingState.initial());
    }
}
