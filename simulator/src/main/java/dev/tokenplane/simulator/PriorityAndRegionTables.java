package dev.tokenplane.simulator;

import java.util.List;

/**
 * The report's tables for the two pool scenarios: per-class goodput where requests carry a class, over-admission where
 * the buckets borrow from each other; for one seed (under the scenario's own table) and over many seeds.
 */
final class PriorityAndRegionTables {

    /** What ours must keep of its critical requests under overload, %. */
    static final double CRITICAL_TARGET_PCT = 99;

    private PriorityAndRegionTables() {}

    /** Under a scenario's table: its per-class goodput or its over-admission, per algorithm, if it has them. */
    static void forScenario(StringBuilder md, Comparison.ScenarioResult result, ReportTemplate text) {
        Scenario scenario = result.scenario();
        if (scenario.hasClasses()) {
            md.append(text.fill("classes", "criticalTarget", Report.fmt0(CRITICAL_TARGET_PCT))
                            .strip())
                    .append("\n\n");
            header(md, "algorithm", "critical %", "high %", "normal %", "low %");
            for (int i = 0; i < result.runs().size(); i++) {
                md.append("| ").append(result.runs().get(i).algorithm()).append(" |");
                result.metrics()
                        .get(i)
                        .classGrantedPct()
                        .forEach(v -> md.append(' ').append(Report.fmt(v)).append(" |"));
                md.append('\n');
            }
            md.append('\n');
        }
        if (scenario.borrowing()) {
            md.append(text.fill("over-admission", "from", scenario.events().get(0))
                            .strip())
                    .append("\n\n");
            header(md, "algorithm", "over-admitted (r/s)", "% of admitted", "tokens created");
            for (int i = 0; i < result.runs().size(); i++) {
                Metrics m = result.metrics().get(i);
                md.append("| ")
                        .append(result.runs().get(i).algorithm())
                        .append(" | ")
                        .append(Report.fmt(m.overAdmittedPerSecond()))
                        .append(" | ")
                        .append(Report.fmt(m.overAdmissionPct()))
                        .append(" | ")
                        .append(Report.fmt0(m.tokensCreated()))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    /** The same measures over the seeds of {@code robustness}. */
    static void overSeeds(StringBuilder md, Robustness robustness, List<String> algorithms) {
        for (Robustness.Row row : robustness.scenarios()) {
            if (!row.classPct().isEmpty()) {
                md.append("### Per-class goodput under 3× overload (")
                        .append(row.scenario())
                        .append(")\n\n");
                md.append("Requests granted as a share of those offered, per class, over seeds 1–")
                        .append(robustness.seeds())
                        .append(": the mean, and for critical also the worst seed. Target for ours: critical ≥ ")
                        .append(Report.fmt0(CRITICAL_TARGET_PCT))
                        .append(" % on every seed.\n\n");
                header(md, "algorithm", "critical % (mean)", "critical % (worst)", "high %", "normal %", "low %");
                for (int a = 0; a < algorithms.size(); a++) {
                    md.append("| ").append(algorithms.get(a)).append(" |");
                    row.classPct()
                            .get(a)
                            .forEach(v -> md.append(' ').append(Report.fmt(v)).append(" |"));
                    md.append('\n');
                }
                int ours = algorithms.indexOf(Report.OURS);
                double worst = row.classPct().get(ours).get(1);
                md.append("\nOurs keeps at least ")
                        .append(Report.fmt(worst))
                        .append(" % of its critical requests on every seed: target ")
                        .append(worst >= CRITICAL_TARGET_PCT ? "met" : "**missed**")
                        .append(".\n\n");
            }
        }
        for (Robustness.Row row : robustness.scenarios()) {
            if (!row.meanOverAdmitted().isEmpty()) {
                md.append("### Over-admission in the region outage (")
                        .append(row.scenario())
                        .append(")\n\nMean over seeds 1–")
                        .append(robustness.seeds())
                        .append(
                                " of the requests admitted beyond what the servers could complete in the same"
                                        + " second, per second from the outage on (definition under the scenario's table).\n\n");
                header(md, "algorithm", "over-admitted (r/s)");
                for (int a = 0; a < algorithms.size(); a++) {
                    md.append("| ")
                            .append(algorithms.get(a))
                            .append(" | ")
                            .append(Report.fmt(row.meanOverAdmitted().get(a)))
                            .append(" |\n");
                }
                md.append('\n');
            }
        }
    }

    private static void header(StringBuilder md, String... columns) {
        Report.tableHeader(md, List.of(columns));
    }
}
