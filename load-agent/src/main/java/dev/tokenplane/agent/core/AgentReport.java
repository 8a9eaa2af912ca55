package dev.tokenplane.agent.core;

import java.util.Objects;

/**
 * One report, the body of {@code POST /v1/agents/{serverId}/reports} (docs/http-api.md). Fractions are in [0, 1], rates
 * ≥ 0, latencies in ms.
 *
 * @param timestamp            epoch ms the sample was taken at
 * @param region               the server's region
 * @param pool                 the server's pool
 * @param load                 CPU, memory, load per core, network and disk rates
 * @param latency              request count, rate and percentiles of the service beside the agent
 */
public record AgentReport(long timestamp, String region, String pool, SystemLoad load, LatencySummary latency) {

    public AgentReport {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(load, "load");
        Objects.requireNonNull(latency, "latency");
    }
}
