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
 */
public record LaneTrace(
        String laneId,
        double[] demand,
        double[] capacity,
        double[] served,
        double[] goodput,
        double[] cpu,
        double[] latencyP99) {

    public static LaneTrace empty(String laneId, int ticks) {
        return new LaneTrace(
                laneId,
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks],
                new double[ticks]);
    }

    public int ticks() {
        return demand.length;
    }
}
