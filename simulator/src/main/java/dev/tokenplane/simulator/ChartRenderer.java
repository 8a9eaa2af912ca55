package dev.tokenplane.simulator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One PNG per scenario: a grid (2 columns, 3 from five algorithms on), one panel per algorithm, each with demand, capacity and served (r/s, left axis)
 * and CPU (0..1, right axis) of lane 0 over time.
 */
public final class ChartRenderer {

    private static final int PANEL_WIDTH = 800;
    private static final int PANEL_HEIGHT = 440;
    private static final Color DEMAND = new Color(150, 150, 150);
    private static final Color CAPACITY = new Color(31, 119, 180);
    private static final Color SERVED = new Color(44, 160, 44);
    private static final Color CPU = new Color(214, 39, 40);

    /** The file name of {@code scenario}'s chart. */
    public static String fileName(Scenario scenario) {
        return scenario.name() + ".png";
    }

    public void render(Comparison comparison, Path directory, Consumer<String> progress) throws IOException {
        Files.createDirectories(directory);
        for (Comparison.ScenarioResult result : comparison.results()) {
            double yMax = commonMax(result.runs());
            List<XYChart> panels = new ArrayList<>();
            for (int i = 0; i < result.runs().size(); i++) {
                panels.add(panel(result.runs().get(i), result.metrics().get(i), yMax));
            }
            int columns = panels.size() > 4 ? 3 : 2;
            int rows = (panels.size() + columns - 1) / columns;
            while (panels.size() < rows * columns) {
                panels.add(blank()); // the grid must be full
            }
            Path file = directory.resolve(fileName(result.scenario()));
            BitmapEncoder.saveBitmap(panels, rows, columns, file.toString(), BitmapEncoder.BitmapFormat.PNG);
            progress.accept("  chart " + file.getFileName());
        }
    }

    private static XYChart blank() {
        XYChart chart =
                new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).build();
        XYStyler styler = chart.getStyler();
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderVisible(false);
        styler.setPlotGridLinesVisible(false);
        styler.setAxisTicksVisible(false);
        styler.setLegendVisible(false);
        return chart;
    }

    /** One scale for all panels of a scenario, so they compare at a glance: the largest value, rounded up to 50. */
    static double commonMax(List<Run> runs) {
        double max = 0;
        for (Run run : runs) {
            LaneTrace lane = run.lanes().get(0);
            for (int t = 0; t < lane.ticks(); t++) {
                max = Math.max(max, Math.max(lane.demand()[t], Math.max(lane.capacity()[t], lane.served()[t])));
            }
        }
        return Math.ceil(max * 1.02 / 50) * 50;
    }

    private static XYChart panel(Run run, Metrics metrics, double yMax) {
        LaneTrace lane = run.lanes().get(0);
        XYChart chart = new XYChartBuilder()
                .width(PANEL_WIDTH)
                .height(PANEL_HEIGHT)
                .title(String.format(
                        java.util.Locale.ROOT,
                        "%s (%s): score %.1f, goodput %.1f%%, overload %.1f%%",
                        run.algorithm(),
                        lane.laneId(),
                        metrics.score(),
                        metrics.goodputPct(),
                        metrics.overloadPct()))
                .xAxisTitle("time (s)")
                .yAxisTitle("requests/s")
                .build();
        XYStyler styler = chart.getStyler();
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setYAxisMin(0, 0.0);
        styler.setYAxisMax(0, yMax);
        styler.setYAxisMin(1, 0.0);
        styler.setYAxisMax(1, 1.0);
        styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        styler.putYAxisGroupDecimalPatternMap(1, "0.0");
        chart.setYAxisGroupTitle(1, "CPU");

        double[] time = new double[lane.ticks()];
        for (int t = 0; t < time.length; t++) {
            time[t] = t;
        }
        line(chart, "demand", time, lane.demand(), DEMAND, 1.2f, 0);
        line(chart, "served", time, lane.served(), SERVED, 1.6f, 0);
        line(chart, "capacity", time, lane.capacity(), CAPACITY, 2.4f, 0);
        line(chart, "CPU", time, lane.cpu(), CPU, 1.2f, 1);
        double[] overload = new double[time.length];
        java.util.Arrays.fill(overload, ServerModel.OVERLOAD_CPU);
        XYSeries limit = line(chart, "CPU 0.9", time, overload, new Color(214, 39, 40, 120), 1f, 1);
        limit.setLineStyle(
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return chart;
    }

    private static XYSeries line(
            XYChart chart, String name, double[] x, double[] y, Color color, float width, int axis) {
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setLineWidth(width);
        series.setYAxisGroup(axis);
        return series;
    }
}
