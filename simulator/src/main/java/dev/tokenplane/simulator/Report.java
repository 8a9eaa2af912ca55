package dev.tokenplane.simulator;

import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import dev.tokenplane.sizing.SizingPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The markdown report. Everything in it that depends on the results is computed from them ({@link ReportNumbers}),
 * so it stays true for whatever seed it was built with; its prose is a template ({@link ReportTemplate}, resource
 * {@code report-text.md}) with those numbers filled in. This class lays out the tables and the order of sections.
 */
public final class Report {

    /** The command that rebuilds the committed report. */
    public static final String REBUILD_COMMAND = "mvn -B -ntp -pl simulator -am -Psimulate verify";

    static final String OURS = ReportNumbers.OURS;
    static final int SETTLE_TARGET_TICKS = 5;
    static final double STEADY_OSCILLATION_TARGET = 2;

    private final Comparison main;
    private final Comparison variants;
    private final List<Robustness> robustness;
    private final PressureConfig pressure;
    private final ReportTemplate text = ReportTemplate.load();

    public Report(Comparison main, Comparison variants, List<Robustness> robustness, PressureConfig pressure) {
        this.main = main;
        this.variants = variants;
        this.robustness = List.copyOf(robustness);
        this.pressure = pressure;
    }

    public Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("README.md");
        Files.writeString(file, render(), StandardCharsets.UTF_8);
        return file;
    }

    String render() {
        StringBuilder md = new StringBuilder();
        md.append(text.fill("header", "seed", main.seed(), "rebuildCommand", REBUILD_COMMAND));
        summary(md);
        targets(md);
        new SeedTargets(robustness.get(0), algorithmNames(main)).render(md);
        robustness(md);
        ModelSection.render(md, pressure);
        for (Comparison.ScenarioResult result : main.results()) {
            scenario(md, result);
        }
        forecasters(md);
        discussion(md);
        return md.toString();
    }

    private void summary(StringBuilder md) {
        md.append(text.fill("summary", "overloadPenalty", fmt(Metrics.OVERLOAD_PENALTY)));
        List<String> columns = new ArrayList<>(List.of("scenario"));
        columns.addAll(algorithmNames(main));
        columns.add("ours beats every baseline");
        tableHeader(md, columns);
        for (Comparison.ScenarioResult result : main.results()) {
            double best =
                    result.metrics().stream().mapToDouble(Metrics::score).max().orElse(Double.NaN);
            md.append("| ").append(result.scenario().name()).append(" |");
            for (Metrics m : result.metrics()) {
                String cell = fmt(m.score());
                md.append(' ')
                        .append(m.score() == best ? "**" + cell + "**" : cell)
                        .append(" |");
            }
            md.append(' ').append(oursBeatsAll(result) ? "yes" : "**no**").append(" |\n");
        }
        md.append('\n');
    }

    private void targets(StringBuilder md) {
        md.append("## Targets\n\n");
        List<String> losses = ReportNumbers.losses(main);
        int wins = main.results().size() - losses.size();
        md.append("| target | result | met |\n|---|---|:---:|\n");
        md.append("| ours beats ")
                .append(String.join(", ", baselineNames(main)))
                .append(" on the score in every scenario (seed ")
                .append(main.seed())
                .append(") | ")
                .append(wins)
                .append(" of ")
                .append(main.results().size())
                .append(" scenarios")
                .append(losses.isEmpty() ? "" : " (not in: " + String.join(", ", losses) + ")")
                .append(" | ")
                .append(yesNo(losses.isEmpty()))
                .append(" |\n");
        for (Comparison.ScenarioResult result : main.results()) {
            Metrics m = result.metricsOf(OURS);
            if (!Double.isNaN(m.settleTicks())) {
                md.append("| after a step, ours settles within ±10 % in ≤ ")
                        .append(SETTLE_TARGET_TICKS)
                        .append(" ticks: ")
                        .append(result.scenario().name())
                        .append(" | worst ")
                        .append(fmt0(m.settleTicks()))
                        .append(" ticks | ")
                        .append(yesNo(m.settleTicks() <= SETTLE_TARGET_TICKS))
                        .append(" |\n");
            }
        }
        for (Comparison.ScenarioResult result : main.results()) {
            Metrics m = result.metricsOf(OURS);
            if (!Double.isNaN(m.steadyOscillationPer100())) {
                md.append("| at steady state, ours makes ≤ ")
                        .append(fmt0(STEADY_OSCILLATION_TARGET))
                        .append(" direction changes per 100 ticks: ")
                        .append(result.scenario().name())
                        .append(" | ")
                        .append(fmt(m.steadyOscillationPer100()))
                        .append(" | ")
                        .append(yesNo(m.steadyOscillationPer100() <= STEADY_OSCILLATION_TARGET))
                        .append(" |\n");
            }
        }
        md.append('\n');
    }

    private void robustness(StringBuilder md) {
        md.append(text.fill("robustness", "seed", main.seed()));
        List<String> names = algorithmNames(main);
        for (Robustness r : robustness) {
            md.append("**").append(r.label()).append(", ").append(r.seeds()).append(" seeds** (mean score)\n\n");
            List<String> columns = new ArrayList<>(List.of("scenario"));
            columns.addAll(names);
            columns.addAll(List.of("ours wins", "ours steady osc/100", "ours settle (ticks)"));
            tableHeader(md, columns);
            for (Robustness.Row row : r.scenarios()) {
                md.append("| ").append(row.scenario()).append(" |");
                row.meanScores().forEach(v -> md.append(' ').append(fmt2(v)).append(" |"));
                md.append(' ')
                        .append(row.oursWins())
                        .append('/')
                        .append(r.seeds())
                        .append(" | ")
                        .append(fmt(row.oursSteadyOscMean()))
                        .append(" | ")
                        .append(fmt(row.oursSettleMean()))
                        .append(" |\n");
            }
            md.append('\n');
        }
    }

    private void scenario(StringBuilder md, Comparison.ScenarioResult result) {
        Scenario scenario = result.scenario();
        md.append("## ")
                .append(scenario.title())
                .append("\n\n")
                .append(scenario.description())
                .append("\n\n");
        tableHeader(
                md,
                List.of(
                        "algorithm",
                        "score",
                        "goodput %",
                        "shed %",
                        "overload %",
                        "overshoot %",
                        "settle (ticks)",
                        "osc/100",
                        "steady osc/100",
                        "fairness"));
        for (int i = 0; i < result.runs().size(); i++) {
            Metrics m = result.metrics().get(i);
            md.append("| ")
                    .append(result.runs().get(i).algorithm())
                    .append(" | ")
                    .append(fmt(m.score()))
                    .append(" | ")
                    .append(fmt(m.goodputPct()))
                    .append(" | ")
                    .append(fmt(m.shedPct()))
                    .append(" | ")
                    .append(fmt(m.overloadPct()))
                    .append(" | ")
                    .append(fmt0(m.overshootPct()))
                    .append(" | ")
                    .append(fmt0(m.settleTicks()))
                    .append(" | ")
                    .append(fmt(m.oscillationPer100()))
                    .append(" | ")
                    .append(fmt(m.steadyOscillationPer100()))
                    .append(" | ")
                    .append(fmt3(m.fairness()))
                    .append(" |\n");
        }
        md.append('\n');
        PriorityAndRegionTables.forScenario(md, result, text);
        md.append("![")
                .append(scenario.title())
                .append("](")
                .append(ChartRenderer.fileName(scenario))
                .append(")\n\n");
    }

    private void forecasters(StringBuilder md) {
        md.append(text.fill(
                "forecasters",
                "seed",
                variants.seed(),
                "defaultForecaster",
                describe(SizingConfig.defaults().forecaster())));
        List<String> columns = new ArrayList<>(List.of("scenario"));
        algorithmNames(variants).forEach(n -> columns.addAll(List.of(n + " score", "settle", "steady osc/100")));
        tableHeader(md, columns);
        for (Comparison.ScenarioResult result : variants.results()) {
            md.append("| ").append(result.scenario().name()).append(" |");
            result.metrics()
                    .forEach(m -> md.append(' ')
                            .append(fmt2(m.score()))
                            .append(" | ")
                            .append(fmt0(m.settleTicks()))
                            .append(" | ")
                            .append(fmt(m.steadyOscillationPer100()))
                            .append(" |"));
            md.append('\n');
        }
        md.append('\n');
    }

    private void discussion(StringBuilder md) {
        SizingConfig ours = SizingConfig.defaults();
        Robustness base = robustness.get(0);
        List<String> algorithms = algorithmNames(main);
        md.append(text.fill("losses", "seed", main.seed()));
        for (Comparison.ScenarioResult result : main.results()) {
            if (!oursBeatsAll(result)) {
                md.append(loss(result, base, algorithms));
            }
        }
        if (ReportNumbers.losses(main).isEmpty()) {
            md.append(text.fill("no-loss"));
        }
        List<String> always = ReportNumbers.alwaysWon(base);
        List<String> notAlways = ReportNumbers.notAlwaysWon(base);
        md.append(text.fill(
                "across-seeds",
                "seeds",
                base.seeds(),
                "label",
                base.label(),
                "always",
                always.isEmpty() ? "none" : String.join(", ", always),
                "notAlways",
                notAlways.isEmpty() ? "none" : String.join(", ", notAlways)));
        md.append(text.fill(
                "settle",
                "settles",
                String.join(", ", ReportNumbers.settles(main)),
                "growthHoldMillis",
                ours.damping().growthHoldAfterShedMillis(),
                "drainingFall",
                fmt(SizingPolicy.DRAINING_FALL)));
        Robustness noisy = robustness.get(robustness.size() - 1);
        Robustness.Row worst = ReportNumbers.worstSteadyOscillation(noisy);
        md.append(text.fill(
                "noise",
                "label",
                noisy.label(),
                "worstSteadyOsc",
                fmt(worst.oursSteadyOscMean()),
                "worstScenario",
                worst.scenario(),
                "smoothing",
                fmt(ours.pressure().smoothing()),
                "minChangePct",
                fmt0(100 * ours.damping().minChangeFraction())));
        md.append(text.fill("defaults", "drainingFall", fmt(SizingPolicy.DRAINING_FALL)));
    }

    /** The discussion of a scenario in which ours does not beat every baseline. */
    private String loss(Comparison.ScenarioResult result, Robustness base, List<String> algorithms) {
        String name = result.scenario().name();
        Metrics o = result.metricsOf(OURS);
        String baseline = ReportNumbers.bestBaselineOf(result);
        Metrics b = result.metricsOf(baseline);
        Robustness.Row row = ReportNumbers.row(base, name);
        return text.fill(
                "loss",
                "scenario",
                name,
                "scores",
                ReportNumbers.scores(result),
                "oursGoodput",
                fmt2(o.goodputPct()),
                "oursShed",
                fmt2(o.shedPct()),
                "oursOverload",
                fmt2(o.overloadPct()),
                "oursSteadyOsc",
                fmt(o.steadyOscillationPer100()),
                "oursSettle",
                fmt0(o.settleTicks()),
                "baseline",
                baseline,
                "baselineGoodput",
                fmt2(b.goodputPct()),
                "baselineShed",
                fmt2(b.shedPct()),
                "baselineOverload",
                fmt2(b.overloadPct()),
                "baselineSteadyOsc",
                fmt(b.steadyOscillationPer100()),
                "baselineSettle",
                fmt0(b.settleTicks()),
                "seeds",
                base.seeds(),
                "oursWins",
                row.oursWins(),
                "ties",
                row.tiedSeeds().size(),
                "lost",
                row.lostSeeds().size(),
                "oursMean",
                fmt2(row.meanScores().get(algorithms.indexOf(OURS))),
                "baselineMean",
                fmt2(ReportNumbers.bestOtherMean(row, algorithms)));
    }

    static boolean oursBeatsAll(Comparison.ScenarioResult result) {
        return ReportNumbers.oursBeatsAll(result);
    }

    private static List<String> algorithmNames(Comparison comparison) {
        return ReportNumbers.algorithmNames(comparison);
    }

    private static List<String> baselineNames(Comparison comparison) {
        return ReportNumbers.baselineNames(comparison);
    }

    static String describe(Forecaster forecaster) {
        if (forecaster instanceof Forecaster.Seasonal season) {
            return "Holt-Winters (α " + fmt(season.alpha()) + ", γ " + fmt(season.gamma()) + ", season "
                    + season.seasonTicks() + " ticks, lead " + season.leadTicks() + ")";
        }
        if (forecaster instanceof Forecaster.Holt holt) {
            return "Holt (α " + fmt(holt.alpha()) + ", β " + fmt(holt.beta()) + ", φ " + fmt(holt.phi()) + ")";
        }
        return "EWMA (α " + fmt(((Forecaster.Ewma) forecaster).alpha()) + ")";
    }

    private static String yesNo(boolean met) {
        return met ? "yes" : "**no**";
    }

    static String fmt(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.1f", value);
    }

    /** A markdown table header: the first column left-aligned, the others right-aligned. */
    static void tableHeader(StringBuilder md, List<String> columns) {
        md.append('|');
        columns.forEach(c -> md.append(' ').append(c).append(" |"));
        md.append("\n|---|");
        md.append("---:|".repeat(columns.size() - 1));
        md.append('\n');
    }

    static String fmt2(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
    }

    static String fmt0(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f", value);
    }

    static String fmt3(double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.3f", value);
    }
}
