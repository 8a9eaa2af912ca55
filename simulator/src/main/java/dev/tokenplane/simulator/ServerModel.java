package dev.tokenplane.simulator;

/**
 * The server model's constants.
 *
 * <ul>
 *   <li>CPU = {@code idleCpu + (1 - idleCpu) * busy} plus Gaussian noise, where busy is the fraction of the tick the
 *       server spent completing requests;
 *   <li>mean latency = {@code baseLatency / (1 - rho)} (M/M/1, with rho = admitted / capacity, capped at
 *       {@code maxRho}) plus the wait in the backlog, which builds when more is admitted than the server completes;
 *   <li>latency is exponential around that mean: p99 = mean * ln 100, and the share served within the SLO is
 *       {@code 1 - exp(-slo / mean)};
 *   <li>the backlog holds at most {@code queueSeconds} of capacity; the rest is dropped.
 * </ul>
 */
public record ServerModel(double idleCpu, double cpuNoise, double sloMs, double queueSeconds, double maxRho) {

    public static final ServerModel DEFAULT = new ServerModel(0.05, 0.015, 250, 2.0, 0.98);

    /** CPU above this counts as overload time. */
    public static final double OVERLOAD_CPU = 0.9;
}
