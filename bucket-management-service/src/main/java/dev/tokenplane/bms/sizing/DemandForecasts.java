package dev.tokenplane.bms.sizing;

import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.SizingConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The sizing loop's demand forecast of buckets, for adaptive lending: read from the sizing states the loop keeps beside
 * each bucket ({@link SizingStates}, in the bucket's partition), and predicted with the forecaster the loop sizes the
 * bucket with (the rule's own, else the member's). A bucket the loop has not sized (a fixed-size rule, or none yet)
 * has no forecast.
 *
 * <p>Thread-safe. {@link #perSecond} blocks: call it from a tick's worker, never an event loop.
 */
public final class DemandForecasts {

    private final SizingStates states;
    private final SizingConfig member;

    /**
     * @param states the sizing states
     * @param member the member's sizing policy (its forecaster stands for rules that set none)
     */
    public DemandForecasts(SizingStates states, SizingConfig member) {
        this.states = states;
        this.member = member;
    }

    /**
     * The forecast demand of each bucket in {@code adaptive} (store key → its rule's adaptive settings), tokens per
     * second; a bucket without a stored state is left out. One call per partition: the keys the caller owns are local.
     */
    public Map<String, Double> perSecond(Map<String, Rule.Adaptive> adaptive) {
        Map<String, Double> forecasts = new HashMap<>();
        Map<Rule.Adaptive, Forecaster> forecasters = new HashMap<>();
        states.load(adaptive.keySet()).forEach((key, state) -> {
            Forecaster f = forecasters.computeIfAbsent(
                    adaptive.get(key), a -> RulePolicies.config(member, a).forecaster());
            forecasts.put(key, f.predict(state.forecast()));
        });
        return forecasts;
    }
}
