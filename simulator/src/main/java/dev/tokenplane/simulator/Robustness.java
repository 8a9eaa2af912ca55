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
     */
    public record Row(String scenario, List<Double> meanScores, int oursWins, double oursSteadyOscMean,
                      double oursSettleMean) {
        public Row {
            meanScores = List.copyOf(meanScores);
        }
    }

    public static Robustness run(String label, int seeds, List<Scenario> scenarios,
                                 List<? extends SizingAlgorithm> algorithms, ServerModel model,
                                 Consumer<String> progress) {
        List<Comparison> comparisons = new ArrayList<>();
        LongStream.rangeClosed(1, seeds).forEach(seed -> {
            comparisons.add(Comparison.run(scenarios, algorithms, seed, model, line -> { }));
            progress.accept("  " + label + ": seed " + seed + "/" + seeds);
        });
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < scenarios.size(); s++) {
            double[] sums = new double[algorithms.size()];
            int wins = 0;
            double osc = 0;
            double settle = 0;
            for (Comparison comparison : comparisons) {
                Comparison.ScenarioResult result = comparison.results().get(s);
                for (int a = 0; a < algorithms.size(); a++) {
                    sums[a] += result.metrics().get(a).score();
                }
                if (Report.oursBeatsAll(result)) {
                    wins++;
                }
                osc += result.metricsOf(Report.OURS).steadyOscillationPer100();
                settle += result.metricsOf(Report.OURS).settleTicks();
            }
            List<Double> means = new ArrayList<>();
            for (double sum : sums) {
                means.add(sum / seeds);
            }
            rows.add(new Row(scenarios.get(s).name(), means, wins, osc / seeds, settle / seeds));
        }
        return new Robustness(label, seeds, rows);
    }
}
