package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationDeterminismTest {

    private static final List<Scenario> SCENARIOS = List.of(Scenarios.step(), Scenarios.slowdown());

    private static Comparison run(long seed) {
        return Comparison.run(SCENARIOS, SimulatorMain.algorithms(), seed, ServerModel.DEFAULT, line -> {});
    }

    private static List<Metrics> metrics(Comparison comparison) {
        return comparison.results().stream().flatMap(r -> r.metrics().stream()).toList();
    }

    @Test
    void shouldGiveTheSameMetricsForTheSameSeed() {
        assertThat(metrics(run(7))).isEqualTo(metrics(run(7)));
    }

    @Test
    void shouldGiveOtherMetricsForAnotherSeed() {
        assertThat(metrics(run(7))).isNotEqualTo(metrics(run(8)));
    }

    @Test
    void shouldRenderTheSameReportForTheSameSeed() {
        Comparison first = run(42);
        Comparison second = run(42);
        List<Robustness> none =
                List.of(Robustness.run("r", 1, SCENARIOS, SimulatorMain.algorithms(), ServerModel.DEFAULT, line -> {}));
        String a = new Report(first, first, none, dev.tokenplane.sizing.PressureConfig.defaults()).render();
        String b = new Report(second, second, none, dev.tokenplane.sizing.PressureConfig.defaults()).render();

        assertThat(a)
                .isEqualTo(b)
                .startsWith("# Adaptive sizing: simulation report")
                .contains(Report.REBUILD_COMMAND)
                .contains("![Step 50 → 90 → 200 → 100 r/s](step.png)");
    }

    @Test
    void shouldGiveEveryAlgorithmTheSameArrivals() {
        Comparison comparison = run(3);
        for (Comparison.ScenarioResult result : comparison.results()) {
            double[] reference = result.runs().get(0).lanes().get(0).demand();
            for (Run run : result.runs()) {
                assertThat(run.lanes().get(0).demand()).containsExactly(reference);
            }
        }
    }

    @Test
    void shouldGiveTheSameMetricsForTheSameSeedWithClassesAndBorrowing() {
        List<Scenario> pooled = List.of(Scenarios.priorityMix(), Scenarios.regionOutage());
        List<SizingAlgorithm> algorithms = List.of(
                new AimdAlgorithm(1000), new PolicyAlgorithm("ours", dev.tokenplane.sizing.SizingConfig.defaults()));

        Comparison first = Comparison.run(pooled, algorithms, 5, ServerModel.DEFAULT, line -> {});
        Comparison second = Comparison.run(pooled, algorithms, 5, ServerModel.DEFAULT, line -> {});

        assertThat(metrics(first)).isEqualTo(metrics(second));
    }
}
