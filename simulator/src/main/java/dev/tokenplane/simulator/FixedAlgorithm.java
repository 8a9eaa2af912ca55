package dev.tokenplane.simulator;

/** The fixed bucket: the rule's capacity, never changed. */
public final class FixedAlgorithm implements SizingAlgorithm {

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public Controller controllerFor(Scenario.Rule rule) {
        return (nowMillis, observation) -> observation.capacity();
    }
}
