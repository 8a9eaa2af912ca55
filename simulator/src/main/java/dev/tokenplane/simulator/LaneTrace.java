package dev.tokenplane.simulator;

/**
 * What happened to one lane (a server and its bucket), tick by tick. All rates are per tick (= per second).
 *
 * @param laneId     the server id
 * @param demand     requests offered
 * @param capacity   the bucket's capacity during the tick
 * @param served     requests the bucket admitted
 * @param goodput    requests completed within the SLO
 * @param cpu        the utilisation of the server's bottleneck, 0..1: its CPU, or its disk's busy time for a
 *                   disk-bound server
 * @param latencyP99 the server's latency p99, ms
 * @param serverCapacity requests per second the server could complete during the tick (NaN: not recorded)
 * @param classOffered   requests offered per {@link Priority} (by ordinal) over the run; zeros without classes
 * @param classGranted   requests admitted per {@link Priority} (by ordinal) over the run; zeros without classes
 */
public record LaneTrace(
        String laneId,
        double[] demand,
        double[] capacity,
        double[] served,
        double[] goodput,
        double[] cpu,
        double[] latencyP99,
        double[] serverCapacity,
        double[] classOffered,
        double[] classGranted) {

    /** A trace without the server's capacity or request classes. */
    public LaneTrace(
            String laneId,
            double[] demand,
            double[] capacity,
            double[] served,
            double[] goodput,
            double[] cpu,
            double[] latencyP99) {
        this(laneId, demand, capacity, served, goodput, cpu, latencyP99, nans(demand.length), classes(), classes());
    }

    public static LaneTrace empty(String laneId, int ticks) {
        return new LaneTrace(
                laneId,
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                classes(),
                classes());
    }

    private static double[] classes() {
        return new double[Priority.values().length];
    }

    private static double[] nans(int length) {
        double[] values = new double[length];
        java.util.Arrays.fill(values, Double.NaN);
        return values;
    }

    public int ticks() {
        return demand.length;
    }
}
