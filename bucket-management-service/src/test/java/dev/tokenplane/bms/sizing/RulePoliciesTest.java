package dev.tokenplane.bms.sizing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.SizingTuning;
import dev.tokenplane.sizing.DampingConfig;
import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingPolicy;
import org.junit.jupiter.api.Test;

/** A rule's tuning laid over the member's policy, field by field. */
class RulePoliciesTest {

    private static final SizingConfig MEMBER =
            SizingConfig.defaults().withDamping(DampingConfig.defaults().withCooldownMillis(200));

    private static Rule.Adaptive adaptive(
            SizingTuning.PressureTargets targets, SizingTuning.ForecasterChoice f, SizingTuning.Damping damping) {
        return new Rule.Adaptive(true, 0.8, 0.3, 1.5, 0.8, targets, f, damping);
    }

    @Test
    void shouldUseTheMembersPolicyForARuleWithoutTuning() {
        SizingPolicy member = new SizingPolicy(MEMBER);

        assertThat(new RulePolicies(member).forRule(new Rule.Adaptive(true, 0.8, 0.3, 1.5, 0.8)))
                .isSameAs(member);
    }

    @Test
    void shouldReplaceOnlyTheFieldsTheRuleSets() {
        SizingConfig tuned = RulePolicies.config(
                MEMBER,
                adaptive(
                        new SizingTuning.PressureTargets(null, null, null, 0.5, null),
                        new SizingTuning.ForecasterChoice("holt", 0.7, null, null, null, null, null, null),
                        new SizingTuning.Damping(null, 0.2, null, 5000L)));

        PressureConfig p = tuned.pressure();
        assertThat(p.diskBusyTarget()).isEqualTo(0.5);
        assertThat(p.cpuTarget()).isEqualTo(PressureConfig.DEFAULT_CPU_TARGET);
        assertThat(p.netUtilisationTarget()).isEqualTo(PressureConfig.DEFAULT_NET_UTILISATION_TARGET);
        assertThat(p.latencyP99TargetMs()).isEqualTo(PressureConfig.DEFAULT_LATENCY_P99_TARGET_MS);
        assertThat(tuned.forecaster())
                .isEqualTo(new Forecaster.Holt(0.7, Forecaster.Holt.DEFAULT_BETA, Forecaster.Holt.DEFAULT_PHI));
        assertThat(tuned.damping().maxStepDown()).isEqualTo(0.2);
        assertThat(tuned.damping().maxStepUp()).isEqualTo(DampingConfig.DEFAULT_MAX_STEP_UP);
        assertThat(tuned.damping().cooldownMillis()).isEqualTo(5000);
        // what the rule leaves alone stays the member's, including its interval-scaled times
        assertThat(RulePolicies.config(MEMBER, adaptive(null, null, new SizingTuning.Damping(1.0, null, null, null)))
                        .damping()
                        .cooldownMillis())
                .isEqualTo(200);
    }
}
