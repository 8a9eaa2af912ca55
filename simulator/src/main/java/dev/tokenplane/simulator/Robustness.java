package dev.tokenplane.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.LongStream;

/**
 * The comparison repeated over many seeds, so the report can say how much of each result is luck of the draw.
 *
 * @param label     what varies, for the report
 * @param seeds     how many seeds (1..seeds)
 * @param scenarios one row per scenario
 */
public record Robustness(String label, int seeds, List<Row> scenarios) {

    public Robustness {
        scenarios = List.copyOf(scenarios);
    }

    /**
     * @param scenario           the scenario's name
     * @param meanScores         mean score per algorithm, in the comparison's order
     * @param oursWins           seeds in which ours beat every other algorithm
     * @param oursSteadyOscMean  ours' mean steady-state direction changes per 100 ticks (NaN without steady windows)
     * @param oursSettleMean     ours' mean worst settle time (NaN without events)
     * @param tiedSeeds          seeds whose outcome is a {@link Outcome#TIE}
     * @param lostSeeds          seeds whose outcome is a {@link Outcome#LOSS}
     * @param meanSettle         mean worst settle time per algorithm, in the comparison's order (NaN without events)
     * @param classPct           per algorithm, in the comparison's order: {mean, min} over seeds of the share of
     *                           critical requests granted, then the mean of each other class's (high, normal, low);
     *                           empty when the requests carry no class
     * @param meanOverAdmitted   mean over-admission (r/s, {@link Metrics#overAdmittedPerSecond()}) per algorithm;
     *                           empty when the scenario's buckets do not borrow
     */
    public record Row(
            String scenario,
            List<Double> meanScores,
            int oursWins,
            double oursSteadyOscMean,
            double oursSettleMean,
            List<Long> tiedSeeds,
            List<Long> lostSeeds,
            List<Double> meanSettle,
            List<List<Double>> classPct,
            List<Double> meanOverAdmitted) {
        public Row {
            classPct = classPct.stream().map(List::copyOf).toList();
            meanOverAdmitted = List.copyOf(meanOverAdmitted);
            meanScores = List.copyOf(meanScores);
            tiedSeeds = List.copyOf(tiedSeeds);
            lostSeeds = List.copyOf(lostSeeds);
            meanSettle = List.copyOf(meanSettle);
        }
    }

    /** How ours did against the best baseline on one scenario and seed. */
    public enum Outcome {
        /** A score strictly above every baseline's. */
        WIN,
        /**
         * Not a win, but no algorithm could have done better: ours' score is within {@link #TIE_SCORE_POINTS} of the
         * best baseline's and no algorithm denied fewer requests (shed within {@link #TIE_SHED_POINTS}).
         */
        TIE,
        /** Anything else. */
        LOSS;

        public static final double TIE_SCORE_POINTS = 0.05;
        public static final double TIE_SHED_POINTS = 0.01;

        static Outcome of(Comparison.ScenarioResult result) {
            if (Report.oursBeatsAll(result)) {
                return WIN;
            }
            Metrics ours = result.metricsOf(Report.OURS);
            double bestOther = Double.NEGATIVE_INFINITY;
            double leastShed = Double.POSITIVE_INFINITY;
            for (int i = 0; i < result.runs().size(); i++) {
                Metrics m = result.metrics().get(i);
                leastShed = Math.min(leastShed, m.shedPct());
                if (!result.runs().get(i).algorithm().equals(Report.OURS)) {
                    bestOther = Math.max(bestOther, m.score());
                }
            }
            boolean tie = bestOther - ours.score() <= TIE_SCORE_POINTS && ours.shedPct() <= leastShed + TIE_SHED_POINTS;
            return tie ? TIE : LOSS;
        }
    }

    public static Robustness run(
            String label,
            int seeds,
            List<Scenario> scenarios,
            List<? extends SizingAlgorithm> algorithms,
            ServerModel model,
            Consumer<String> progress) {
        List<Comparison> comparisons = new ArrayList<>();
        LongStream.rangeClosed(1, seeds).forEach(seed -> {
            comparisons.add(Comparison.run(scenarios, algorithms, seed, model, line -> {}));
            progress.accept("  " + label + ": seed " + seed + "/" + seeds);
        });
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < scenarios.size(); s++) {
            double[] sums = new double[algorithms.size()];
            double[] settles = new double[algorithms.size()];
            double[] overAdmitted = new double[algorithms.size()];
            double[][] classes = new double[algorithms.size()][Priority.values().length];
            double[] minCritical = new double[algorithms.size()];
            java.util.Arrays.fill(minCritical, Double.POSITIVE_INFINITY);
            int wins = 0;
            double osc = 0;
            double settle = 0;
            List<Long> ties = new ArrayList<>();
            List<Long> losses = new ArrayList<>();
            for (Comparison comparison : comparisons) {
                Comparison.ScenarioResult result = comparison.results().get(s);
                for (int a = 0; a < algorithms.size(); a++) {
                    sums[a] += result.metrics().get(a).score();
                    Metrics m = result.metrics().get(a);
                    settles[a] += m.settleTicks();
                    overAdmitted[a] += m.overAdmittedPerSecond();
                    for (int c = 0; c < m.classGrantedPct().size(); c++) {
                        classes[a][c] += m.classGrantedPct().get(c);
                    }
                    if (!m.classGrantedPct().isEmpty()) {
                        minCritical[a] =
                                Math.min(minCritical[a], m.classGrantedPct().get(0));
                    }
                }
                switch (Outcome.of(result)) {
                    case WIN -> wins++;
                    case TIE -> ties.add(comparison.seed());
                    case LOSS -> losses.add(comparison.seed());
                }
                osc += result.metricsOf(Report.OURS).steadyOscillationPer100();
                settle += result.metricsOf(Report.OURS).settleTicks();
            }
            List<Double> means = new ArrayList<>();
            List<Double> settleMeans = new ArrayList<>();
            List<Double> overAdmittedMeans = new ArrayList<>();
            List<List<Double>> classPct = new ArrayList<>();
            for (int a = 0; a < algorithms.size(); a++) {
                means.add(sums[a] / seeds);
                settleMeans.add(settles[a] / seeds);
                if (scenarios.get(s).borrowing()) {
                    overAdmittedMeans.add(overAdmitted[a] / seeds);
                }
                if (scenarios.get(s).hasClasses()) {
                    classPct.add(List.of(
                            classes[a][0] / seeds,
                            minCritical[a],
                            classes[a][1] / seeds,
                            classes[a][2] / seeds,
                            classes[a][3] / seeds));
                }
            }
            rows.add(new Row(
                    scenarios.get(s).name(),
                    means,
                    wins,
                    osc / seeds,
                    settle / seeds,
                    ties,
                    losses,
                    settleMeans,
                    classPct,
                    overAdmittedMeans));
        }
        return new Robustness(label, seeds, rows);
    }
}
