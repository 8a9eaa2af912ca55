package dev.tokenplane.agent.core;

/**
 * Request latency of the service beside the agent over one interval.
 *
 * @param requests          requests seen in the interval
 * @param requestsPerSecond requests / interval seconds, ≥ 0
 * @param p50Ms             median latency in ms (0 when there were no requests)
 * @param p99Ms             99th percentile latency in ms (0 when there were no requests)
 */
public record LatencySummary(long requests, double requestsPerSecond, double p50Ms, double p99Ms) {

    /** An interval without requests. */
    public static final LatencySummary EMPTY = new LatencySummary(0, 0.0, 0.0, 0.0);
}
