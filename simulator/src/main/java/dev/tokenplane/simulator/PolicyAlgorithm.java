package dev.tokenplane.simulator;

import dev.tokenplane.sizing.BucketSize;
import dev.tokenplane.sizing.LoadSignal;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingDecision;
import dev.tokenplane.sizing.SizingInput;
import dev.tokenplane.sizing.SizingPolicy;
import dev.tokenplane.sizing.SizingState;

/**
 * Ours: {@link SizingPolicy}, called the way the BMS sizing loop calls it, with the BMS's per-class reserves and the
 * policy's {@link SizingPolicy#borrowLimitPerSecond borrowing limit} (a bucket borrows only while it could grow, at most
 * what a growth would take).
 */
public final class PolicyAlgorithm implements SizingAlgorithm {

    private final String name;
    private final SizingPolicy policy;

    public PolicyAlgorithm(String name, SizingConfig config) {
        this.name = name;
        this.policy = new SizingPolicy(config);
    }

    @Override
    public String name() {
        return name;
    }

    /** The BMS's per-class reserves at their defaults. */
    @Override
    public PriorityReserves reserves() {
        return PriorityReserves.DEFAULTS;
    }

    @Override
    public Controller controllerFor(Scenario.Rule rule) {
        return new Controller() {
            private SizingState state = SizingState.initial();
            private SizingDecision last;
            private long lastAt;

            @Override
            public long decide(long nowMillis, Observation observation) {
                long capacity = observation.capacity();
                LoadSignal load = observation.latestReport().map(LoadSignal::of).orElse(LoadSignal.missing());
                SizingInput input = new SizingInput(
                        new BucketSize(capacity, rule.limits().refillFor(capacity)),
                        rule.limits(),
                        rule.adaptive(),
                        observation.demand(),
                        load,
                        state,
                        false);
                SizingDecision decision = policy.decide(nowMillis, input);
                state = decision.state();
                last = decision;
                lastAt = nowMillis;
                return decision.capacity();
            }

            @Override
            public double borrowLimitPerSecond() {
                return last == null ? Double.POSITIVE_INFINITY : policy.borrowLimitPerSecond(lastAt, last);
            }
        };
    }
}
