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

    /**
     * The per-class reserves its buckets admit requests with; {@link PriorityReserves#NONE} (first come, first served)
     * for an algorithm that knows no priority.
     */
    default PriorityReserves reserves() {
        return PriorityReserves.NONE;
    }

    /** Sizes one bucket; called once per tick. */
    interface Controller {
        /** The bucket's capacity for the tick starting at {@code nowMillis}. */
        long decide(long nowMillis, Observation observation);

        /**
         * Tokens per second the bucket may borrow from its pool during the tick just decided; an algorithm that leaves
         * borrowing to the pool sets no limit.
         */
        default double borrowLimitPerSecond() {
            return Double.POSITIVE_INFINITY;
        }
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
