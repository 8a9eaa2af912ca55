package dev.tokenplane.simulator;

import java.util.SplittableRandom;

/**
 * The random parts of a scenario, drawn once from the seed so every algorithm meets the very same arrivals and noise
 * (common random numbers: differences between algorithms are not luck).
 */
public final class Workload {

    /** Sub-steps per tick for arrivals, the bucket and the server queue. */
    public static final int SUB_STEPS = 10;

    private static final Priority[] PRIORITIES = Priority.values();

    private final double[][] arrivals;
    private final double[][] cpuNoise;
    /** Per lane and sub-step, the class of each arrival in arrival order (ordinals); null without classes. */
    private final byte[][][] classes;

    private Workload(double[][] arrivals, double[][] cpuNoise, byte[][][] classes) {
        this.arrivals = arrivals;
        this.cpuNoise = cpuNoise;
        this.classes = classes;
    }

    /** Draws the arrivals (Poisson per sub-step) and CPU noise of {@code scenario} from {@code seed}. */
    public static Workload draw(Scenario scenario, ServerModel model, long seed) {
        int lanes = scenario.lanes().size();
        double[][] arrivals = new double[lanes][scenario.ticks() * SUB_STEPS];
        double[][] noise = new double[lanes][scenario.ticks()];
        SplittableRandom root = new SplittableRandom(seed ^ scenario.name().hashCode());
        for (int lane = 0; lane < lanes; lane++) {
            SplittableRandom random = root.split();
            Scenario.Lane spec = scenario.lanes().get(lane);
            Scenario.Demand demand = spec.demand();
            double factor = 1;
            for (int step = 0; step < arrivals[lane].length; step++) {
                if (spec.demandNoise() > 0 && step % SUB_STEPS == 0) {
                    // drawn only for noisy lanes, so the other scenarios keep their draws
                    factor = Math.max(0, 1 + spec.demandNoise() * gaussian(random));
                }
                double seconds = (double) step / SUB_STEPS;
                arrivals[lane][step] = poisson(random, factor * demand.ratePerSecond(seconds) / SUB_STEPS);
            }
            for (int tick = 0; tick < scenario.ticks(); tick++) {
                noise[lane][tick] = gaussian(random) * model.cpuNoise();
            }
        }
        // from a stream of its own, drawn after the others, so scenarios without classes keep their draws
        byte[][][] classes = scenario.hasClasses() ? drawClasses(scenario.classMix(), arrivals, root.split()) : null;
        return new Workload(arrivals, noise, classes);
    }

    /** The class of every arrival, independently from {@code mix}, in arrival order. */
    private static byte[][][] drawClasses(Scenario.ClassMix mix, double[][] arrivals, SplittableRandom random) {
        byte[][][] classes = new byte[arrivals.length][][];
        for (int lane = 0; lane < arrivals.length; lane++) {
            classes[lane] = new byte[arrivals[lane].length][];
            for (int step = 0; step < arrivals[lane].length; step++) {
                byte[] order = new byte[(int) arrivals[lane][step]];
                for (int i = 0; i < order.length; i++) {
                    order[i] = (byte) draw(mix, random.nextDouble()).ordinal();
                }
                classes[lane][step] = order;
            }
        }
        return classes;
    }

    private static Priority draw(Scenario.ClassMix mix, double u) {
        double cumulative = 0;
        for (Priority p : PRIORITIES) {
            cumulative += mix.of(p);
            if (u < cumulative) {
                return p;
            }
        }
        return Priority.LOW; // u within rounding of 1
    }

    /** The class of the {@code i}-th arrival at {@code lane} in sub-step {@code step}; only for a scenario with classes. */
    public Priority priority(int lane, int step, int i) {
        return PRIORITIES[classes[lane][step][i]];
    }

    /** Requests arriving at {@code lane} in sub-step {@code step} (tick * SUB_STEPS + k). */
    public double arrivals(int lane, int step) {
        return arrivals[lane][step];
    }

    public double cpuNoise(int lane, int tick) {
        return cpuNoise[lane][tick];
    }

    static double poisson(SplittableRandom random, double mean) {
        if (mean <= 0) {
            return 0;
        }
        if (mean > 30) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
        }
        // Knuth: multiply uniforms until the product drops below e^-mean
        double limit = Math.exp(-mean);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            count++;
            product *= random.nextDouble();
        }
        return count;
    }

    /** Standard normal by Box-Muller (SplittableRandom has no nextGaussian on Java 17). */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1], so log is finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
