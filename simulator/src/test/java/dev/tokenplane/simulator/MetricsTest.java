package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.sizing.AdaptiveSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measures on tiny traces worked out by hand. */
class MetricsTest {

    private static final Scenario.Rule RULE = new Scenario.Rule(1, 100, AdaptiveSettings.defaults());

    @Test
    void shouldMeasureAStepResponseByHand() {
        double[] capacity = {10, 10, 20, 30, 25, 25, 25, 25};

        // step at 2, phase [2, 8): settled = mean of the last quarter (max(1, 6/4) = 1 tick) = 25; it moved up from 10;
        // worst excess 30 - 25 = 5 -> 20 %; outside 22.5..27.5 at ticks 2 and 3 -> settles 2 ticks after the step
        Metrics.StepResponse response = Metrics.stepResponse(capacity, 2, 8);

        assertThat(response.settled()).isEqualTo(25.0);
        assertThat(response.overshootPct()).isCloseTo(20.0, within(1e-9));
        assertThat(response.settleTicks()).isEqualTo(2);
    }

    @Test
    void shouldMeasureOvershootOfAStepDownBelowTheSettledValue() {
        double[] capacity = {100, 100, 60, 40, 50, 50, 50, 50};

        Metrics.StepResponse response = Metrics.stepResponse(capacity, 2, 8);

        assertThat(response.overshootPct()).isCloseTo(20.0, within(1e-9)); // 50 - 40 = 10 below 50
        assertThat(response.settleTicks()).isEqualTo(2);
    }

    @Test
    void shouldCountDirectionChangesIgnoringFlatStretches() {
        double[] capacity = {10, 20, 20, 15, 15, 30, 30, 30};
        // up, (flat), down: change at t=3; down, (flat), up: change at t=5
        assertThat(Metrics.directionChanges(capacity, List.of(new Scenario.Window(0, 8))))
                .isEqualTo(2);
        assertThat(Metrics.directionChanges(capacity, List.of(new Scenario.Window(4, 8))))
                .isEqualTo(1);
    }

    @Test
    void shouldComputeJainsIndex() {
        assertThat(Metrics.jain(new double[] {1, 0.5})).isCloseTo(0.9, within(1e-12)); // 1.5^2 / (2 * 1.25)
        assertThat(Metrics.jain(new double[] {1, 0, 0, 0})).isCloseTo(0.25, within(1e-12));
        assertThat(Metrics.jain(new double[] {0.7, 0.7, 0.7})).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void shouldComputeEveryMeasureOfATwoLaneRunByHand() {
        // lane a: offered 10 + 10, served 10 + 10, good 10 + 5, CPU 0.5 then 0.95 (one overloaded tick)
        LaneTrace a = new LaneTrace(
                "a",
                new double[] {10, 10},
                new double[] {10, 10},
                new double[] {10, 10},
                new double[] {10, 5},
                new double[] {0.5, 0.95},
                new double[] {100, 900});
        // lane b: offered 20 + 20, served 10 + 10 (20 shed), good 10 + 10, never overloaded
        LaneTrace b = new LaneTrace(
                "b",
                new double[] {20, 20},
                new double[] {10, 10},
                new double[] {10, 10},
                new double[] {10, 10},
                new double[] {0.6, 0.6},
                new double[] {100, 100});
        Scenario.Lane lane = new Scenario.Lane("a", s -> 10, tick -> null, 10);
        Scenario scenario =
                new Scenario("tiny", "tiny", "", 2, List.of(lane, lane), RULE, List.of(), List.of(), tick -> true);

        Metrics m = Metrics.of(new Run("tiny", "x", List.of(a, b)), scenario);

        assertThat(m.goodputPct()).isCloseTo(100 * 35.0 / 60, within(1e-9));
        assertThat(m.shedPct()).isCloseTo(100 * 20.0 / 60, within(1e-9));
        assertThat(m.overloadPct()).isCloseTo(25.0, within(1e-9)); // 1 of 4 server-ticks
        assertThat(m.score()).isCloseTo(100 * 35.0 / 60 - 25.0, within(1e-9));
        // satisfaction: a 15/20 = 0.75, b 20/40 = 0.5 -> (1.25)^2 / (2 * (0.5625 + 0.25))
        assertThat(m.fairness()).isCloseTo(1.5625 / 1.625, within(1e-12));
        assertThat(m.oscillationPer100()).isZero();
        assertThat(m.settleTicks()).isNaN(); // no step events
        assertThat(m.steadyOscillationPer100()).isNaN();
    }

    @Test
    void shouldMeasurePerClassGoodputAsGrantedOverOfferedAcrossLanes() {
        // by class (critical, high, normal, low): lane a offered 10/20/40/30, granted 10/15/10/0;
        // lane b offered 10/0/40/30, granted 9/0/10/3 -> 19/20, 15/20, 20/80, 3/60
        LaneTrace a = classTrace("a", new double[] {10, 20, 40, 30}, new double[] {10, 15, 10, 0});
        LaneTrace b = classTrace("b", new double[] {10, 0, 40, 30}, new double[] {9, 0, 10, 3});

        List<Double> pct = Metrics.classGranted(new Run("p", "x", List.of(a, b)));

        assertThat(pct).containsExactly(95.0, 75.0, 25.0, 5.0);
        assertThat(Metrics.classGranted(new Run("p", "x", List.of(classTrace("c", new double[4], new double[4])))))
                .isEmpty(); // no classes
    }

    @Test
    void shouldMeasureOverAdmissionFromTheEventOnByHand() {
        // lane a: its server drops from 100 to 90 r/s at tick 1; admitted 100, 130, 80 -> excess 40 + 0 from tick 1
        LaneTrace a =
                serverTrace("a", new double[] {100, 100, 100}, new double[] {100, 130, 80}, new double[] {100, 90, 90});
        // lane b: admitted 50 on 200 r/s throughout -> no excess
        LaneTrace b =
                serverTrace("b", new double[] {100, 100, 100}, new double[] {50, 50, 50}, new double[] {200, 200, 200});
        Scenario.Lane lane = new Scenario.Lane("a", s -> 100, tick -> null, 100);
        Scenario scenario =
                new Scenario("o", "o", "", 3, List.of(lane, lane), RULE, List.of(1), List.of(), tick -> true);

        Metrics m = Metrics.of(new Run("o", "x", List.of(a, b)), scenario);

        assertThat(m.overAdmittedPerSecond()).isCloseTo(40.0 / 2, within(1e-9)); // over ticks 1 and 2
        assertThat(m.overAdmissionPct()).isCloseTo(100 * 40.0 / (130 + 80 + 50 + 50), within(1e-9));
        // each bucket: 100 at the start + 3 refills of 100 = 400; admitted 310 and 150: none created
        assertThat(m.tokensCreated()).isZero();
    }

    @Test
    void shouldCountTokensAdmittedBeyondWhatTheBucketsRefilled() {
        // one bucket of 10: 10 at the start + 2 refills of 10 = 30 tokens, but 45 admitted
        LaneTrace a = serverTrace("a", new double[] {10, 10}, new double[] {20, 25}, new double[] {100, 100});
        Scenario scenario = new Scenario(
                "c",
                "c",
                "",
                2,
                List.of(new Scenario.Lane("a", s -> 10, tick -> null, 10)),
                RULE,
                List.of(),
                List.of(),
                tick -> true);

        assertThat(Metrics.tokensCreated(new Run("c", "x", List.of(a)), scenario))
                .isEqualTo(15.0);
    }

    private static LaneTrace classTrace(String id, double[] offered, double[] granted) {
        double[] one = {1};
        return new LaneTrace(id, one, one, one, one, one, one, one, offered, granted);
    }

    private static LaneTrace serverTrace(String id, double[] capacity, double[] served, double[] server) {
        double[] zeros = new double[capacity.length];
        return new LaneTrace(id, served, capacity, served, served, zeros, zeros, server, new double[4], new double[4]);
    }
}
