package dev.tokenplane.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The target over many seeds, judged from a {@link Robustness} run: in every scenario ours' mean score is at
 * least the best baseline's, and ours is strictly better in at least {@link #WIN_SHARE_TARGET} of the
 * scenario-seed pairs. A pair where no algorithm could do better ({@link Robustness.Outcome#TIE}) is a tie, not a
 * loss: it is left out of the share and listed. Also the time to settle after the ×1.4 step, per algorithm.
 *
 * @param robustness the runs over seeds 1..N
 * @param algorithms the algorithms' names, in the runs' order
 */
record SeedTargets(Robustness robustness, List<String> algorithms) {

    static final double WIN_SHARE_TARGET = 0.8;
    /** The scenario whose settle time the report quotes. */
    static final String STEP_SCENARIO = "step14";

    void render(StringBuilder md) {
        int pairs = 0;
        int wins = 0;
        int ties = 0;
        List<String> below = new ArrayList<>();
        List<String> tieList = new ArrayList<>();
        List<String> lossList = new ArrayList<>();
        for (Robustness.Row row : robustness.scenarios()) {
            pairs += robustness.seeds();
            wins += row.oursWins();
            ties += row.tiedSeeds().size();
            double ours = row.meanScores().get(algorithms.indexOf(Report.OURS));
            int best = bestBaseline(row);
            if (ours < row.meanScores().get(best)) {
                below.add(row.scenario() + " (" + Report.fmt2(ours) + " against " + algorithms.get(best) + " "
                        + Report.fmt2(row.meanScores().get(best)) + ")");
            }
            if (!row.tiedSeeds().isEmpty()) {
                tieList.add(row.scenario() + ": seeds " + join(row.tiedSeeds()));
            }
            if (!row.lostSeeds().isEmpty()) {
                lossList.add(row.scenario() + ": seeds " + join(row.lostSeeds()));
            }
        }
        int decided = pairs - ties;
        double share = decided == 0 ? 1 : (double) wins / decided;
        md.append("## The target over ").append(robustness.seeds()).append(" seeds\n\n");
        md.append("Seeds 1–")
                .append(robustness.seeds())
                .append(", ")
                .append(robustness.label())
                .append(". A pair"
                        + " (scenario, seed) is a win when ours scores strictly above every baseline; a tie when it does not"
                        + " but no algorithm could do better: ours is within ")
                .append(Report.fmt2(Robustness.Outcome.TIE_SCORE_POINTS))
                .append(" points of the best baseline and no algorithm" + " denied fewer requests (shed within ")
                .append(Report.fmt2(Robustness.Outcome.TIE_SHED_POINTS))
                .append(" points); a loss otherwise. Ties are left out of the share.\n\n");
        md.append("| target | result | met |\n|---|---|:---:|\n");
        md.append("| ours' mean score ≥ the best baseline's in every scenario | ")
                .append(below.isEmpty() ? "every scenario" : "below in " + String.join("; ", below))
                .append(" | ")
                .append(yesNo(below.isEmpty()))
                .append(" |\n");
        md.append("| ours strictly better in ≥ ")
                .append(Report.fmt0(100 * WIN_SHARE_TARGET))
                .append(" % of the pairs that are not ties | ")
                .append(wins)
                .append(" of ")
                .append(decided)
                .append(" (")
                .append(Report.fmt(100 * share))
                .append(" %); ")
                .append(wins)
                .append(" of all ")
                .append(pairs)
                .append(" (")
                .append(Report.fmt(100.0 * wins / pairs))
                .append(" %) | ")
                .append(yesNo(share >= WIN_SHARE_TARGET))
                .append(" |\n\n");
        md.append("Ties (")
                .append(ties)
                .append("): ")
                .append(tieList.isEmpty() ? "none" : String.join("; ", tieList))
                .append(".\n\nLosses (")
                .append(decided - wins)
                .append("): ")
                .append(lossList.isEmpty() ? "none" : String.join("; ", lossList))
                .append(".\n\n");
        settle(md);
        PriorityAndRegionTables.overSeeds(md, robustness, algorithms);
    }

    private void settle(StringBuilder md) {
        Robustness.Row row = robustness.scenarios().stream()
                .filter(r -> r.scenario().equals(STEP_SCENARIO))
                .findFirst()
                .orElse(null);
        if (row == null) {
            return;
        }
        md.append("### Time to settle after a ×1.4 step\n\n");
        md.append("Scenario ")
                .append(STEP_SCENARIO)
                .append(": ticks until the capacity stays within ±")
                .append(Report.fmt0(100 * Metrics.SETTLE_BAND))
                .append(" % of the value it settles at, mean over")
                .append(" seeds 1–")
                .append(robustness.seeds())
                .append(". An algorithm that does not resize after the"
                        + " step (fixed) counts as settled at once, at a size that does not follow the demand.\n\n"
                        + "| algorithm | settle (ticks) |\n|---|---:|\n");
        for (int a = 0; a < algorithms.size(); a++) {
            md.append("| ")
                    .append(algorithms.get(a))
                    .append(" | ")
                    .append(Report.fmt(row.meanSettle().get(a)))
                    .append(" |\n");
        }
        md.append('\n');
    }

    /** The index of the baseline with the highest mean score in {@code row}. */
    int bestBaseline(Robustness.Row row) {
        int best = -1;
        for (int a = 0; a < algorithms.size(); a++) {
            if (!algorithms.get(a).equals(Report.OURS)
                    && (best < 0 || row.meanScores().get(a) > row.meanScores().get(best))) {
                best = a;
            }
        }
        return best;
    }

    private static String join(List<Long> seeds) {
        return String.join(", ", seeds.stream().map(String::valueOf).toList());
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }
}
