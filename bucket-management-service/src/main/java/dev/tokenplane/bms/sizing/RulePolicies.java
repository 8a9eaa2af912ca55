package dev.tokenplane.bms.sizing;

import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.SizingTuning;
import dev.tokenplane.sizing.DampingConfig;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingPolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * The sizing policy of each rule in one tick: the member's policy, with the rule's own tuning
 * ({@code adaptive.pressureTargets}, {@code forecaster}, {@code damping}) laid over it field by field. A rule without
 * tuning gets the member's policy itself. Made per tick, so a rule's change is seen at the next tick; not
 * thread-safe.
 */
final class RulePolicies {
    private final SizingPolicy member;
    private final Map<Rule.Adaptive, SizingPolicy> tuned = new HashMap<>();

    RulePolicies(SizingPolicy member) {
        this.member = member;
    }

    /** The policy for the buckets of a rule with these adaptive settings. */
    SizingPolicy forRule(Rule.Adaptive adaptive) {
        if (adaptive.pressureTargets() == null && adaptive.forecaster() == null && adaptive.damping() == null) {
            return member;
        }
        return tuned.computeIfAbsent(adaptive, a -> new SizingPolicy(config(member.config(), a)));
    }

    /** {@code base} with every field the rule sets replaced. */
    static SizingConfig config(SizingConfig base, Rule.Adaptive adaptive) {
        SizingConfig config = base;
        SizingTuning.PressureTargets t = adaptive.pressureTargets();
        if (t != null) {
            PressureConfig p = base.pressure();
            config = config.withPressure(p.withTargets(
                    or(t.cpu(), p.cpuTarget()),
                    or(t.memory(), p.memoryTarget()),
                    or(t.netUtilisation(), p.netUtilisationTarget()),
                    or(t.diskBusy(), p.diskBusyTarget()),
                    or(t.latencyP99Ms(), p.latencyP99TargetMs())));
        }
        if (adaptive.forecaster() != null) {
            config = config.withForecaster(adaptive.forecaster().toForecaster());
        }
        SizingTuning.Damping d = adaptive.damping();
        if (d != null) {
            DampingConfig damping = base.damping();
            config = config.withDamping(damping.withMaxSteps(
                            or(d.maxStepUp(), damping.maxStepUp()), or(d.maxStepDown(), damping.maxStepDown()))
                    .withMinChangeFraction(or(d.minChange(), damping.minChangeFraction()))
                    .withCooldownMillis(d.cooldownMs() == null ? damping.cooldownMillis() : d.cooldownMs()));
        }
        return config;
    }

    private static double or(Double value, double fallback) {
        return value == null ? fallback : value;
    }
}
