package dev.tokenplane.simulator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The numbers the report's prose and tables are built from, derived from the comparisons and nothing else. */
final class ReportNumbers {

    static final String OURS = "ours";

    private ReportNumbers() {}

    static List<String> algorithmNames(Comparison comparison) {
        return comparison.results().get(0).runs().stream().map(Run::algorithm).toList();
    }

    static List<String> baselineNames(Comparison comparison) {
        return algorithmNames(comparison).stream().filter(n -> !n.equals(OURS)).toList();
    }

    /** Whether ours scored strictly higher than every baseline (a tie is not a win). */
    static boolean oursBeatsAll(Comparison.ScenarioResult result) {
        double ours = result.metricsOf(OURS).score();
        for (int i = 0; i < result.runs().size(); i++) {
            if (!result.runs().get(i).algorithm().equals(OURS)
                    && result.metrics().get(i).score() >= ours) {
                return false;
            }
        }
        return true;
    }

    /** The scenarios in which ours does not beat every baseline. */
    static List<String> losses(Comparison comparison) {
        return comparison.results().stream()
                .filter(r -> !oursBeatsAll(r))
                .map(r -> r.scenario().name())
                .toList();
    }

    /** The baseline with the highest score in {@code result}. */
    static String bestBaselineOf(Comparison.ScenarioResult result) {
        String best = null;
        double score = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < result.runs().size(); i++) {
            String name = result.runs().get(i).algorithm();
            if (!name.equals(OURS) && result.metrics().get(i).score() > score) {
                best = name;
                score = result.metrics().get(i).score();
            }
        }
        return best;
    }

    /** The best mean score of a baseline in {@code row}, whose scores are in the order of {@code algorithms}. */
    static double bestOtherMean(Robustness.Row row, List<String> algorithms) {
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < algorithms.size(); i++) {
            if (!algorithms.get(i).equals(OURS)) {
                best = Math.max(best, row.meanScores().get(i));
            }
        }
        return best;
    }

    /** The row of {@code scenario} in {@code robustness}. */
    static Robustness.Row row(Robustness robustness, String scenario) {
        return robustness.scenarios().stream()
                .filter(r -> r.scenario().equals(scenario))
                .findFirst()
                .orElseThrow();
    }

    /** Scenarios in which ours won every seed. */
    static List<String> alwaysWon(Robustness robustness) {
        return robustness.scenarios().stream()
                .filter(r -> r.oursWins() == robustness.seeds())
                .map(Robustness.Row::scenario)
                .toList();
    }

    /** Scenarios in which ours lost or tied some seed, with its wins: {@code "skew (17/20)"}. */
    static List<String> notAlwaysWon(Robustness robustness) {
        return robustness.scenarios().stream()
                .filter(r -> r.oursWins() != robustness.seeds())
                .map(r -> r.scenario() + " (" + r.oursWins() + "/" + robustness.seeds() + ")")
                .toList();
    }

    /** Ours' worst settle time per scenario that has one: {@code "step 4"}. */
    static List<String> settles(Comparison comparison) {
        List<String> settles = new ArrayList<>();
        for (Comparison.ScenarioResult result : comparison.results()) {
            Metrics m = result.metricsOf(OURS);
            if (!Double.isNaN(m.settleTicks())) {
                settles.add(result.scenario().name() + " " + Report.fmt0(m.settleTicks()));
            }
        }
        return settles;
    }

    /** The scenario in which ours oscillated most at steady state. */
    static Robustness.Row worstSteadyOscillation(Robustness robustness) {
        return robustness.scenarios().stream()
                .filter(r -> !Double.isNaN(r.oursSteadyOscMean()))
                .max(Comparator.comparingDouble(Robustness.Row::oursSteadyOscMean))
                .orElseThrow();
    }

    /** {@code "ours 81.2, fixed 75.0, ..."}: each algorithm's score in {@code result}. */
    static String scores(Comparison.ScenarioResult result) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < result.runs().size(); i++) {
            parts.add(result.runs().get(i).algorithm() + " "
                    + Report.fmt(result.metrics().get(i).score()));
        }
        return String.join(", ", parts);
    }
}
