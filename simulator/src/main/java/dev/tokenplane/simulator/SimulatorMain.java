package dev.tokenplane.simulator;

import dev.tokenplane.sizing.Forecaster;
import dev.tokenplane.sizing.PressureConfig;
import dev.tokenplane.sizing.SizingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every scenario with every algorithm and writes the report (README.md and one PNG per scenario).
 */
@Command(
        name = "simulator",
        mixinStandardHelpOptions = true,
        description = "Compares bucket-sizing algorithms on deterministic scenarios and writes a markdown report.")
public final class SimulatorMain implements Callable<Integer> {

    /** The seed of the committed report. */
    public static final long DEFAULT_SEED = 42;
    /** Seeds 1..N of the robustness tables. */
    static final int ROBUSTNESS_SEEDS = 20;
    /** The server model with noisier CPU samples, for the sensitivity table. */
    static final ServerModel NOISY = new ServerModel(
            ServerModel.DEFAULT.idleCpu(),
            0.04,
            ServerModel.DEFAULT.sloMs(),
            ServerModel.DEFAULT.queueSeconds(),
            ServerModel.DEFAULT.maxRho());

    @Option(names = "--seed", description = "Seed of the workloads (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULT_SEED;

    @Option(names = "--out", description = "Directory for README.md and the charts (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("docs", "simulation");

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int code = new CommandLine(new SimulatorMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The five algorithms of the comparison, ours with the policy's defaults. */
    public static List<SizingAlgorithm> algorithms() {
        SizingConfig ours = SizingConfig.defaults();
        return List.of(
                new FixedAlgorithm(),
                new ClampOnlyAlgorithm(Forecaster.ewma(), ours.pressure()),
                new AimdAlgorithm(ours.pressure().latencyP99TargetMs()),
                new Gradient2Algorithm(),
                new PolicyAlgorithm("ours", ours));
    }

    /** Ours with each forecaster, to choose the default; the seasonal one with the daily scenario's day. */
    public static List<SizingAlgorithm> forecasterVariants() {
        SizingConfig ours = SizingConfig.defaults();
        return List.of(
                new PolicyAlgorithm("ours (EWMA)", ours.withForecaster(Forecaster.ewma())),
                new PolicyAlgorithm("ours (Holt)", ours.withForecaster(Forecaster.holt())),
                new PolicyAlgorithm(
                        "ours (seasonal)",
                        ours.withForecaster(new Forecaster.Seasonal(
                                Forecaster.Seasonal.DEFAULT_ALPHA,
                                Forecaster.Seasonal.DEFAULT_BETA,
                                Forecaster.Seasonal.DEFAULT_GAMMA,
                                Scenarios.DAY_TICKS,
                                Scenarios.DAY_TICKS,
                                8))));
    }

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        List<Scenario> scenarios = Scenarios.all();
        System.out.println("Simulating " + scenarios.size() + " scenarios, seed " + seed);
        Comparison main = Comparison.run(scenarios, algorithms(), seed, ServerModel.DEFAULT, System.out::println);
        System.out.println("Forecaster variants");
        Comparison variants =
                Comparison.run(scenarios, forecasterVariants(), seed, ServerModel.DEFAULT, System.out::println);
        System.out.println("Robustness over " + ROBUSTNESS_SEEDS + " seeds");
        List<Robustness> robustness = List.of(
                Robustness.run(
                        "CPU noise σ " + ServerModel.DEFAULT.cpuNoise(),
                        ROBUSTNESS_SEEDS,
                        scenarios,
                        algorithms(),
                        ServerModel.DEFAULT,
                        System.out::println),
                Robustness.run(
                        "CPU noise σ " + NOISY.cpuNoise(),
                        ROBUSTNESS_SEEDS,
                        scenarios,
                        algorithms(),
                        NOISY,
                        System.out::println));
        System.out.println("Drawing charts into " + out.toAbsolutePath().normalize());
        new ChartRenderer().render(main, out, System.out::println);
        Path report = new Report(main, variants, robustness, PressureConfig.defaults()).write(out);
        System.out.printf(
                "Wrote %s in %d ms%n", report.toAbsolutePath().normalize(), (System.nanoTime() - started) / 1_000_000);
        return 0;
    }
}
