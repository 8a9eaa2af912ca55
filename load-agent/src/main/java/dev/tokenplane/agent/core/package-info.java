/**
 * The agent's pure core: counter rates, CPU and memory fractions, latency percentiles, the backoff and failover
 * schedule and the bounded report buffer. Nothing here knows OSHI, Vert.x or Micrometer (an ArchUnit test keeps it
 * so); time always comes in as an argument.
 */
package dev.tokenplane.agent.core;
