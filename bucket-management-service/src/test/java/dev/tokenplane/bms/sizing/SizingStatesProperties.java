package dev.tokenplane.bms.sizing;

import dev.tokenplane.sizing.ForecastState;
import dev.tokenplane.sizing.SizingState;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored form of a bucket's sizing state. */
class SizingStatesProperties {

    @Property
    void shouldDecodeWhatItEncoded(@ForAll double level, @ForAll double trend, @ForAll int observations,
                                   @ForAll double pressure, @ForAll long sampleAt, @ForAll long resizedAt,
                                   @ForAll long shedAt) {
        SizingState state = new SizingState(new ForecastState(level, trend, observations), pressure, sampleAt,
                resizedAt, shedAt);

        assertThat(SizingStates.decode(SizingStates.encode(state))).isEqualTo(state);
    }

    @Example
    void shouldStartAfreshFromAnEncodingItDoesNotKnow() {
        byte[] bytes = SizingStates.encode(SizingState.initial());
        bytes[0] = 99;

        assertThat(SizingStates.decode(bytes)).isNull();
        assertThat(SizingStates.decode(new byte[3])).isNull();
        assertThat(SizingStates.decode(SizingStates.encode(SizingState.initial()))).isEqualTo(SizingState.initial());
    }
}
