package dev.tokenplane.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Writes what a run measured: {@code chaos.md} with a table per fault, and {@code chaos/decisions.png} and
 * {@code chaos/over-admission.png}, the recorded series with the faults marked.
 */
final class ChaosReport {

    /** The run's context for the report's head. */
    record Context(
            String command,
            String network,
            String hazelcastTiming,
            double restartSeconds,
            List<LoadGenerator.LostWrite> lost,
            int ackedWrites) {}

    /** The chart shows windows of up to 40 s, so an excess fades once its fault is over (the table has all). */
    private static final long CHART_WINDOW_NANOS = 40_000_000_000L;

    private ChaosReport() {}

    static void write(Path dir, ChaosRun run, Context context) throws IOException {
        Path charts = dir.resolve("chaos");
        Files.createDirectories(charts);
        List<Event> events = List.copyOf(run.load.events);
        int seconds = (int) Math.ceil(run.seconds(run.stoppedAt == 0 ? System.nanoTime() : run.stoppedAt)) + 1;
        BitmapEncoder.saveBitmap(
                decisionsChart(run, events, seconds),
                charts.resolve("decisions.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(
                overAdmissionChart(run, events, seconds),
                charts.resolve("over-admission.png").toString(),
                BitmapEncoder.BitmapFormat.PNG);
        Files.writeString(dir.resolve("chaos.md"), markdown(run, context));
    }

    static String markdown(ChaosRun run, Context c) {
        StringBuilder md = new StringBuilder();
        md.append("# Chaos report: three BMS members under faults\n\n")
                .append("Written by `chaos/src/test/java/dev/tokenplane/chaos/ChaosIT.java` from a real run; do not ")
                .append("edit by hand. Command:\n\n```bash\n")
                .append(c.command())
                .append("\n```\n\n")
                .append("Three member JVMs from the shaded `bms.jar` (")
                .append(c.network())
                .append("), ")
                .append("`BMS_EXPECTED_MEMBERS=3`, sizing tick 200 ms, Hazelcast ")
                .append(c.hazelcastTiming())
                .append(". A load generator (one thread per member and kind, so a frozen member slows only its own ")
                .append("callers) makes about 120 acquires/s on `chaos:d1` and `chaos:d2`, 30 leases/s on ")
                .append("`chaos:lease` (each gives 2 of its 4 tokens back), all of rule `chaos-d` ")
                .append("(capacity C = ")
                .append(LoadGenerator.CAPACITY)
                .append(", refill r = ")
                .append(fmt(LoadGenerator.REFILL_PER_SECOND))
                .append("/s), about 20 acquires/s of ")
                .append(PoolLedger.ASK)
                .append(" tokens on the busy bucket of a transfer pool of its own per fault ")
                .append("(4 buckets of ")
                .append(PoolLedger.CAPACITY)
                .append(" tokens, refill 10⁻⁶/s, so tokens are ")
                .append("conserved; the busy one starts empty and lives on borrowed tokens), and 4 configuration ")
                .append("writes/s (a new rule or override each, to the members in turn).\n\n");
        md.append("## Per fault\n\n")
                .append("| fault | what | over-admission bound per key (w: window) | most granted above C + r·w, any ")
                .append("window (tokens) | within bound | pool tokens created | pool tokens lost | acked config ")
                .append("writes (refused) | acked writes lost | recovery (s) | decisions answered ≤ 100 ms |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (PhaseResult r : run.results) {
            long lost = c.lost().stream()
                    .filter(l -> inPhase(run, r, l.id()))
                    .map(LoadGenerator.LostWrite::id)
                    .distinct()
                    .count();
            long poolLost = -r.poolCreated();
            md.append("| ")
                    .append(r.fault().name())
                    .append(" | ")
                    .append(r.fault().description())
                    .append(" | ")
                    .append(r.fault().bound().describe())
                    .append(" (")
                    .append(r.fault().boundSource())
                    .append(") | ")
                    .append(fmt(r.maxExcess()))
                    .append(" | ")
                    .append(r.withinBound() ? "yes" : "**no**")
                    .append(" | ")
                    .append(Math.max(0, r.poolCreated()))
                    .append(" | ")
                    .append(Math.max(0, poolLost))
                    .append(r.poolUnknown() > 0 ? " (≤ " + r.poolUnknown() + " of it maybe granted: calls cut)" : "")
                    .append(" | ")
                    .append(r.writesAcked())
                    .append(" (")
                    .append(r.writesRefused())
                    .append(") | ")
                    .append(lost)
                    .append(" | ")
                    .append(fmt(r.recoverySeconds()))
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f %% of %d", 100 * r.within100ms(), r.decisions()))
                    .append(" |\n");
        }
        if (c.restartSeconds() < 0) {
            md.append("\nThe run stopped before the final restart and read-back of the acknowledged writes.\n\n");
        } else {
            md.append("\nAfter the schedule every member was stopped (SIGTERM) and the three started again on their ")
                    .append("data directories (whole again in ")
                    .append(fmt(c.restartSeconds()))
                    .append(" s); then each of the ")
                    .append(c.ackedWrites())
                    .append(" acknowledged configuration writes of the run was read ")
                    .append("back from each member: **")
                    .append(c.lost().size())
                    .append(" missing or different**.\n\n");
        }
        if (!run.notes.isEmpty()) {
            md.append("## Checks and events of the faults\n\n");
            run.notes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        md.append("""
                ## How to read it

                - **Over-admission** counts a grant in a window only when its whole call (sent to answered) lies in \
                the window, so the figure is what the answers prove was granted beyond `C + r·w` (a lower bound, \
                never an artefact of a slow answer); a release counts from when it was sent, one of unknown effect as \
                credited. *Within bound* compares every window of the fault with the bound the docs state for it: \
                `docs/split-brain.md` states `S·(C + r·T)` for a partition into `S` sides, and in "Other faults" the \
                bounds of a killed or frozen member, a full disk and clock skew. The bound for a frozen member is the partition's once it is frozen longer than \
                the failure detector (the others remove it, and on waking it serves alone until the merge).
                - **Pool tokens created** = tokens held once settled + tokens granted − tokens at the start, with \
                every call of unknown effect (cut by a kill, timed out, 5xx) counted as *not* granted: a positive \
                figure would prove tokens were created. **Lost** is the opposite, and the calls of unknown effect may \
                explain part of it (in parentheses). The docs allow losing tokens in doubt, never creating them.
                - During a partition the pool's traffic goes to the majority side only (the minority answers from \
                copies of its own, which is the over-admission the split-brain bound already states); the measured \
                keys get traffic on both sides.
                - **Recovery** runs from the end of the fault (restart, SIGCONT, heal, space freed, clock restored) \
                until every member answers `/health/ready` with 200 and sees three members (`bms_cluster_members`).
                - **Decisions answered ≤ 100 ms** counts every acquire and lease sent during the fault; one that \
                failed (member down, frozen, a 503 at the 2 s deadline) is not answered.

                ## Decisions per second

                ![decisions per second, faults marked](chaos/decisions.png)

                ## Over-admission over time

                Per second, the most a window of up to 40 s ending in that second granted above `C + r·w` on each \
                measured key (so an excess fades 40 s after its fault; the table covers every window).

                ![over-admission, faults marked](chaos/over-admission.png)
                """);
        return md.toString();
    }

    private static boolean inPhase(ChaosRun run, PhaseResult r, String id) {
        Long at = run.load.ackedAt.get(id);
        if (at == null) {
            return false;
        }
        double s = run.seconds(at);
        return s >= r.injectedAt() && s <= r.wholeAt() + 3;
    }

    private static XYChart decisionsChart(ChaosRun run, List<Event> events, int seconds) {
        double[] x = axis(seconds);
        double[] answered = new double[seconds];
        double[] failed = new double[seconds];
        for (Event e : events) {
            int s = (int) run.seconds(e.answered());
            if (!e.isDecision() || s < 0 || s >= seconds) {
                continue;
            }
            if (e.outcome() == Http.Outcome.ANSWERED && e.status() == 200) {
                answered[s]++;
            } else {
                failed[s]++;
            }
        }
        XYChart chart = chart("Decisions per second (acquires and leases)", "decisions/s");
        line(chart.addSeries("answered", x, answered));
        line(chart.addSeries("failed, timed out or 5xx", x, failed));
        mark(chart, run, max(answered));
        return chart;
    }

    private static XYChart overAdmissionChart(ChaosRun run, List<Event> events, int seconds) {
        double[] x = axis(seconds);
        XYChart chart = chart("Grants above C + r·w (tokens), windows of up to 40 s ending in that second", "tokens");
        double top = 1;
        Map<String, double[]> byKey = new TreeMap<>();
        for (String key : ChaosRun.measuredKeys()) {
            OverAdmission.Result r = OverAdmission.measure(
                    events.stream().filter(e -> e.key().equals(key)).toList(),
                    LoadGenerator.CAPACITY,
                    LoadGenerator.REFILL_PER_SECOND,
                    OverAdmission.Bound.EXACT,
                    run.origin,
                    seconds,
                    CHART_WINDOW_NANOS);
            byKey.put(key, r.bySecond());
            top = Math.max(top, max(r.bySecond()));
        }
        byKey.forEach((key, y) -> line(chart.addSeries(key, x, y)));
        mark(chart, run, top);
        return chart;
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(1100)
                .height(420)
                .title(title)
                .xAxisTitle("seconds since start")
                .yAxisTitle(yTitle)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        return chart;
    }

    private static void line(XYSeries series) {
        series.setMarker(SeriesMarkers.NONE);
    }

    /** A line where each fault starts and one where it ends, with its name at the top. */
    private static void mark(XYChart chart, ChaosRun run, double top) {
        for (PhaseResult r : run.results) {
            chart.addAnnotation(new AnnotationLine(r.injectedAt(), true, false));
            chart.addAnnotation(new AnnotationLine(r.recoveredAt(), true, false));
            chart.addAnnotation(
                    new AnnotationText(r.fault().name(), (r.injectedAt() + r.recoveredAt()) / 2, top * 0.95, false));
        }
    }

    private static double[] axis(int seconds) {
        double[] x = new double[seconds];
        for (int i = 0; i < seconds; i++) {
            x[i] = i;
        }
        return x;
    }

    private static double max(double[] values) {
        double m = 0;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }

    static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }
}
