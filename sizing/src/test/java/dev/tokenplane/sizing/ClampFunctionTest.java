package dev.tokenplane.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The seed's pseudocode, branch by branch. */
class ClampFunctionTest {

    private static final AdaptiveSettings RULE = AdaptiveSettings.defaults();
    private static final SizeLimits LIMITS = new SizeLimits(10, 200, 1);

    private static ClampFunction.Step step(double predicted, double size, double pressure) {
        return ClampFunction.apply(predicted, size, pressure, 0.8, RULE, LIMITS);
    }

    @Test
    void shouldFollowTheSeedPseudocode() {
        assertThat(step(90, 100, 0.5)).isEqualTo(new ClampFunction.Step(150, SizingReason.GROW_DEMAND));
        assertThat(step(20, 100, 0.5)).isEqualTo(new ClampFunction.Step(80, SizingReason.SHRINK_DEMAND));
        assertThat(step(90, 100, 0.9)).isEqualTo(new ClampFunction.Step(80, SizingReason.SHRINK_PRESSURE));
        assertThat(step(50, 100, 0.5)).isEqualTo(new ClampFunction.Step(100, SizingReason.HOLD_DEAD_BAND));
        assertThat(step(90, 100, 0.8)).isEqualTo(new ClampFunction.Step(100, SizingReason.HOLD_NO_HEADROOM));
    }

    @Test
    void shouldClampToMinAndMax() {
        assertThat(step(190, 190, 0.1).size()).isEqualTo(200);
        assertThat(step(0, 11, 0.1).size()).isEqualTo(10);
    }
}
