package dev.tokenplane.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The measures of one run. Percentages are 0..100. NaN where a measure does not apply (no step in the scenario, no
 * steady window).
 *
 * @param goodputPct           requests completed within the SLO, as a share of requests offered
 * @param shedPct              requests the bucket denied, as a share of requests offered
 * @param overloadPct          share of (server, tick) pairs with CPU above {@link ServerModel#OVERLOAD_CPU}
 * @param overshootPct         after each step event, the furthest the capacity went past its settled value in the
 *                             direction it moved, as a share of that value; the worst over events and lanes
 * @param settleTicks          after each step event, ticks until the capacity stays within ±10% of its settled value
 *                             (the mean over the last quarter of the phase) to the phase's end; the worst
 * @param oscillationPer100    direction changes of the capacity per 100 ticks, mean over lanes
 * @param steadyOscillationPer100 the same, counted only inside the steady windows
 * @param fairness             Jain's index over lanes of (goodput / offered): 1 when every bucket gets the same share
 *                             of its demand served well, 1/n when one bucket gets it all
 * @param score                {@code goodputPct - OVERLOAD_PENALTY * overloadPct}
 * @param classGrantedPct      per {@link Priority} (by ordinal), requests admitted as a share of those offered, over
 *                             every lane; empty when the requests carry no class
 * @param overAdmittedPerSecond from the first event on (from tick 0 without events): requests admitted beyond what the
 *                             lane's server can complete in the same tick, {@code Σ max(0, served - serverCapacity)}
 *                             over lanes and ticks, per tick; NaN when the server's capacity was not recorded
 * @param overAdmissionPct     the same excess as a share of the requests admitted in that time
 * @param tokensCreated        requests admitted beyond what the buckets' own tokens allow: {@code max(0, Σ served -
 *                             Σ over lanes (initial capacity + Σ capacity per tick))}, since a bucket starts full and
 *                             refills at most its capacity per second; 0 unless borrowing created tokens
 */
public record Metrics(
        double goodputPct,
        double shedPct,
        double overloadPct,
        double overshootPct,
        double settleTicks,
        double oscillationPer100,
        double steadyOscillationPer100,
        double fairness,
        double score,
        List<Double> classGrantedPct,
        double overAdmittedPerSecond,
        double overAdmissionPct,
        double tokensCreated) {

    public Metrics {
        classGrantedPct = List.copyOf(classGrantedPct);
    }

    /** Points of score lost per percent of time in overload. */
    public static final double OVERLOAD_PENALTY = 1.0;

    /** Band around the settled value that counts as settled. */
    public static final double SETTLE_BAND = 0.10;

    public static Metrics of(Run run, Scenario scenario) {
        double offered = 0;
        double goodput = 0;
        double served = 0;
        long overloadTicks = 0;
        double oscillation = 0;
        double steadyOscillation = 0;
        double overshoot = scenario.events().isEmpty() ? Double.NaN : 0;
        double settle = scenario.events().isEmpty() ? Double.NaN : 0;
        double[] satisfaction = new double[run.lanes().size()];
        int steadyTicks = scenario.steadyWindows().stream()
                .mapToInt(Scenario.Window::length)
                .sum();

        for (int i = 0; i < run.lanes().size(); i++) {
            LaneTrace lane = run.lanes().get(i);
            double laneOffered = sum(lane.demand());
            double laneGoodput = sum(lane.goodput());
            offered += laneOffered;
            goodput += laneGoodput;
            served += sum(lane.served());
            satisfaction[i] = laneOffered == 0 ? 1 : laneGoodput / laneOffered;
            for (double cpu : lane.cpu()) {
                if (cpu > ServerModel.OVERLOAD_CPU) {
                    overloadTicks++;
                }
            }
            oscillation += directionChanges(lane.capacity(), List.of(new Scenario.Window(0, lane.ticks())));
            steadyOscillation += directionChanges(lane.capacity(), scenario.steadyWindows());
            for (int e = 0; e < scenario.events().size(); e++) {
                int from = scenario.events().get(e);
                int to = e + 1 < scenario.events().size() ? scenario.events().get(e + 1) : lane.ticks();
                StepResponse response = stepResponse(lane.capacity(), from, to);
                overshoot = Math.max(overshoot, response.overshootPct());
                settle = Math.max(settle, response.settleTicks());
            }
        }
        int lanes = run.lanes().size();
        double goodputPct = pct(goodput, offered);
        double overloadPct = pct(overloadTicks, (double) lanes * run.ticks());
        int from = scenario.events().isEmpty() ? 0 : scenario.events().get(0);
        double[] excess = overAdmission(run, from);
        return new Metrics(
                goodputPct,
                pct(offered - served, offered),
                overloadPct,
                overshoot,
                settle,
                100.0 * oscillation / lanes / run.ticks(),
                steadyTicks == 0 ? Double.NaN : 100.0 * steadyOscillation / lanes / steadyTicks,
                jain(satisfaction),
                goodputPct - OVERLOAD_PENALTY * overloadPct,
                classGranted(run),
                excess[0] / (run.ticks() - from),
                pct(excess[0], excess[1]),
                tokensCreated(run, scenario));
    }

    /** Per class, granted / offered over every lane; empty when no lane saw a class. */
    static List<Double> classGranted(Run run) {
        int classes = Priority.values().length;
        double[] offered = new double[classes];
        double[] granted = new double[classes];
        for (LaneTrace lane : run.lanes()) {
            for (int c = 0; c < classes; c++) {
                offered[c] += lane.classOffered()[c];
                granted[c] += lane.classGranted()[c];
            }
        }
        if (sum(offered) == 0) {
            return List.of();
        }
        List<Double> shares = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            shares.add(offered[c] == 0 ? Double.NaN : pct(granted[c], offered[c]));
        }
        return shares;
    }

    /** From tick {@code from} on: {the excess admitted over the servers' capacity, the requests admitted}. */
    static double[] overAdmission(Run run, int from) {
        double excess = 0;
        double admitted = 0;
        for (LaneTrace lane : run.lanes()) {
            for (int t = from; t < lane.ticks(); t++) {
                excess += Math.max(0, lane.served()[t] - lane.serverCapacity()[t]); // NaN stays NaN
                admitted += lane.served()[t];
            }
        }
        return new double[] {excess, admitted};
    }

    /** Admitted beyond the pool's own tokens: each bucket's first fill plus a refill of its capacity per tick. */
    static double tokensCreated(Run run, Scenario scenario) {
        double admitted = 0;
        double tokens = 0;
        for (int i = 0; i < run.lanes().size(); i++) {
            LaneTrace lane = run.lanes().get(i);
            admitted += sum(lane.served());
            tokens += scenario.lanes().get(i).initialCapacity() + sum(lane.capacity());
        }
        return Math.max(0, admitted - tokens);
    }

    /** How a series responds to a step at {@code from}, judged up to {@code to}. */
    record StepResponse(double settled, double overshootPct, int settleTicks) {}

    static StepResponse stepResponse(double[] series, int from, int to) {
        int tailFrom = to - Math.max(1, (to - from) / 4);
        double settled = 0;
        for (int t = tailFrom; t < to; t++) {
            settled += series[t];
        }
        settled /= to - tailFrom;
        double before = from > 0 ? series[from - 1] : series[from];
        boolean up = settled >= before;
        double worst = 0;
        int lastOutside = from - 1;
        for (int t = from; t < to; t++) {
            double beyond = up ? series[t] - settled : settled - series[t];
            worst = Math.max(worst, beyond);
            if (Math.abs(series[t] - settled) > SETTLE_BAND * settled) {
                lastOutside = t;
            }
        }
        return new StepResponse(settled, settled == 0 ? 0 : 100 * worst / settled, lastOutside + 1 - from);
    }

    /** Times the series turns from rising to falling or back, counting only turns whose tick is in a window. */
    static int directionChanges(double[] series, List<Scenario.Window> windows) {
        int changes = 0;
        int lastDirection = 0;
        for (int t = 1; t < series.length; t++) {
            int direction = Double.compare(series[t], series[t - 1]);
            if (direction == 0) {
                continue;
            }
            final int tick = t;
            if (lastDirection != 0
                    && direction != lastDirection
                    && windows.stream().anyMatch(w -> w.contains(tick))) {
                changes++;
            }
            lastDirection = direction;
        }
        return changes;
    }

    /** Jain's fairness index: (sum x)^2 / (n * sum x^2); 1 for an empty or all-zero input. */
    static double jain(double[] x) {
        double sum = 0;
        double squares = 0;
        for (double v : x) {
            sum += v;
            squares += v * v;
        }
        return squares == 0 ? 1 : sum * sum / (x.length * squares);
    }

    private static double sum(double[] values) {
        double total = 0;
        for (double v : values) {
            total += v;
        }
        return total;
    }

    private static double pct(double part, double whole) {
        return whole == 0 ? 0 : 100 * part / whole;
    }
}
