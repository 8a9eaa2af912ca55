package dev.tokenplane.simulator;

import dev.tokenplane.sizing.DemandWindow;
import dev.tokenplane.sizing.LoadSample;
import java.util.Optional;

/** A way of sizing a bucket, run side by side with the others on the same scenario. */
public interface SizingAlgorithm {

    /** Name in the report. */
    String name();

    /** A controller for one bucket of {@code rule}, with its own state. */
    Controller controllerFor(Scenario.Rule rule);

    /** Sizes one bucket; called once per tick. */
    interface Controller {
        /** The bucket's capacity for the tick starting at {@code nowMillis}. */
        long decide(long nowMillis, Observation observation);
    }

    /**
     * What the sizing loop knows at the start of a tick.
     *
     * @param capacity     the bucket's capacity now
     * @param demand       attempted and granted requests in the last tick
     * @param latestReport the newest agent report received so far, however old (empty before the first)
     */
    record Observation(long capacity, DemandWindow demand, Optional<LoadSample> latestReport) {}
}
