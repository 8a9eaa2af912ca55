package dev.tokenplane.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every algorithm on every scenario, from one seed.
 *
 * @param seed    the seed the workloads were drawn from
 * @param results one per scenario, in order
 */
public record Comparison(long seed, List<ScenarioResult> results) {

    public Comparison {
        results = List.copyOf(results);
    }

    /**
     * One scenario's runs and measures, in the order of the algorithms.
     */
    public record ScenarioResult(Scenario scenario, List<Run> runs, List<Metrics> metrics) {
        public ScenarioResult {
            runs = List.copyOf(runs);
            metrics = List.copyOf(metrics);
        }

        public Metrics metricsOf(String algorithm) {
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).algorithm().equals(algorithm)) {
                    return metrics.get(i);
                }
            }
            throw new IllegalArgumentException("no run of " + algorithm + " in " + scenario.name());
        }
    }

    /**
     * Runs {@code algorithms} on {@code scenarios}, reporting each finished run to {@code progress}.
     */
    public static Comparison run(
            List<Scenario> scenarios,
            List<? extends SizingAlgorithm> algorithms,
            long seed,
            ServerModel model,
            Consumer<String> progress) {
        Simulation simulation = new Simulation(model);
        List<ScenarioResult> results = new ArrayList<>();
        int total = scenarios.size() * algorithms.size();
        int done = 0;
        for (Scenario scenario : scenarios) {
            Workload workload = Workload.draw(scenario, model, seed);
            List<Run> runs = new ArrayList<>();
            List<Metrics> metrics = new ArrayList<>();
            for (SizingAlgorithm algorithm : algorithms) {
                Run run = simulation.run(scenario, algorithm, workload);
                Metrics m = Metrics.of(run, scenario);
                runs.add(run);
                metrics.add(m);
                done++;
                progress.accept(String.format(
                        java.util.Locale.ROOT,
                        "[%2d/%d] %-9s %-16s score %6.1f",
                        done,
                        total,
                        scenario.name(),
                        algorithm.name(),
                        m.score()));
            }
            results.add(new ScenarioResult(scenario, runs, metrics));
        }
        return new Comparison(seed, results);
    }
}
