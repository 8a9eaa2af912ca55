package dev.tokenplane.simulator;

import java.util.List;

/** One algorithm on one scenario: a trace per lane. */
public record Run(String scenario, String algorithm, List<LaneTrace> lanes) {

    public Run {
        lanes = List.copyOf(lanes);
    }

    public int ticks() {
        return lanes.get(0).ticks();
    }
}
