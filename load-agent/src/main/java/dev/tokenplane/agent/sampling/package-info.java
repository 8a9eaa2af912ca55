/**
 * Adapters that read the machine: OSHI for host counters, and the cgroup v2 files for a container's limits. They
 * translate into {@link dev.tokenplane.agent.core.SystemReading} and hold no arithmetic of their own.
 */
package dev.tokenplane.agent.sampling;
