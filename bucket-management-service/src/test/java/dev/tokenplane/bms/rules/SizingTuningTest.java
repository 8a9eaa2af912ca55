package dev.tokenplane.bms.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.sizing.Forecaster;
import org.junit.jupiter.api.Test;

/** A rule's own tuning of the sizing policy, checked where the rule comes in. */
class SizingTuningTest {

    private static Rule rule(
            SizingTuning.PressureTargets targets,
            SizingTuning.ForecasterChoice forecaster,
            SizingTuning.Damping damping) {
        return TestRuleInput.of("server/*")
                .capacity(100L, 10.0)
                .bounds(10L, 1000L)
                .adaptive(new RuleInput.AdaptiveInput(true, null, null, null, null, targets, forecaster, damping))
                .build()
                .toRule("servers");
    }

    private static SizingTuning.ForecasterChoice forecaster(String type) {
        return new SizingTuning.ForecasterChoice(type, null, null, null, null, null, null, null);
    }

    @Test
    void shouldKeepTheMembersDefaultsWhenNothingIsTuned() {
        Rule.Adaptive a = rule(null, null, null).adaptive();

        assertThat(a.pressureTargets()).isNull();
        assertThat(a.forecaster()).isNull();
        assertThat(a.damping()).isNull();
    }

    @Test
    void shouldKeepWhatTheRuleTunes() {
        SizingTuning.PressureTargets targets = new SizingTuning.PressureTargets(null, null, null, 0.5, 200.0);
        SizingTuning.Damping damping = new SizingTuning.Damping(1.0, 0.25, 0.0, 500L);

        Rule.Adaptive a = rule(targets, forecaster("holt"), damping).adaptive();

        assertThat(a.pressureTargets()).isEqualTo(targets);
        assertThat(a.damping()).isEqualTo(damping);
        assertThat(a.forecaster().toForecaster()).isEqualTo(Forecaster.holt());
    }

    @Test
    void shouldBuildEachForecasterWithItsDefaultsAndTheGivenParameters() {
        assertThat(forecaster("ewma").toForecaster()).isEqualTo(Forecaster.ewma());
        SizingTuning.ForecasterChoice daily =
                new SizingTuning.ForecasterChoice("seasonal", null, null, null, 0.3, 86_400, null, 1800);

        assertThat(daily.toForecaster())
                .isEqualTo(new Forecaster.Seasonal(
                        Forecaster.Seasonal.DEFAULT_ALPHA, Forecaster.Seasonal.DEFAULT_BETA, 0.3, 86_400, 96, 1800));
    }

    @Test
    void shouldNameTheFieldAndItsRange() {
        assertThatThrownBy(() -> rule(new SizingTuning.PressureTargets(1.5, null, null, null, null), null, null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("adaptive.pressureTargets.cpu must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> rule(new SizingTuning.PressureTargets(null, null, null, -0.1, null), null, null))
                .hasMessageContaining("adaptive.pressureTargets.diskBusy must be in [0, 1]");
        assertThatThrownBy(() -> rule(new SizingTuning.PressureTargets(null, null, null, null, -1.0), null, null))
                .hasMessageContaining("adaptive.pressureTargets.latencyP99Ms must be in [0, 3600000]");
        assertThatThrownBy(() -> rule(null, forecaster("arima"), null))
                .hasMessage("adaptive.forecaster.type must be one of ewma, holt, seasonal, was arima");
        assertThatThrownBy(() -> rule(
                        null, new SizingTuning.ForecasterChoice("holt", 1.5, null, null, null, null, null, null), null))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("adaptive.forecaster.alpha must be in (0.0, 1.0], was 1.5");
        assertThatThrownBy(() -> rule(
                        null, new SizingTuning.ForecasterChoice("ewma", null, null, 0.9, null, null, null, null), null))
                .hasMessage("adaptive.forecaster.phi applies to holt only, not ewma");
        assertThatThrownBy(() -> rule(null, forecaster("seasonal"), null))
                .hasMessage("adaptive.forecaster.seasonTicks is required for the seasonal forecaster");
        assertThatThrownBy(() -> rule(
                        null,
                        new SizingTuning.ForecasterChoice("seasonal", null, null, null, null, 100, 500, null),
                        null))
                .hasMessage("adaptive.forecaster.seasonSlots must be in [1, 100], was 500");
        assertThatThrownBy(() -> rule(null, null, new SizingTuning.Damping(0.0, null, null, null)))
                .hasMessage("adaptive.damping.maxStepUp must be in (0, 10], was 0.0");
        assertThatThrownBy(() -> rule(null, null, new SizingTuning.Damping(null, 1.0, null, null)))
                .hasMessage("adaptive.damping.maxStepDown must be in (0, 1), was 1.0");
        assertThatThrownBy(() -> rule(null, null, new SizingTuning.Damping(null, null, 0.9, null)))
                .hasMessage("adaptive.damping.minChange must be in [0, 0.5], was 0.9");
        assertThatThrownBy(() -> rule(null, null, new SizingTuning.Damping(null, null, null, -5L)))
                .hasMessage("adaptive.damping.cooldownMs must be in [0, 3600000], was -5");
    }
}
