package dev.tokenplane.agent.core;

import java.util.Map;
import java.util.Objects;

/**
 * Everything one sampling tick read from the machine, as raw cumulative counters and instantaneous values. Two
 * readings give a {@link SystemLoad} through {@link SystemLoad#between(SystemReading, SystemReading)}.
 *
 * @param monotonicNanos a monotonic timestamp ({@code System.nanoTime()}) taken with the reading
 * @param cpu            the CPU counter (host ticks, or cgroup usage when a CPU quota applies)
 * @param memory         memory in use and its limit
 * @param loadAverage1m  the one-minute load average, negative when the platform has none
 * @param cores          the cores the load average is divided by (≥ 1)
 * @param network        cumulative byte counters of the selected network interfaces, by interface name
 * @param disks          cumulative byte counters of the selected disks, by disk name
 * @param linkCapacity   capacity of the selected interfaces in bytes/s, by interface name; an interface whose speed
 *                       is unknown (and no capacity is configured) is absent
 * @param diskBusyMillis cumulative milliseconds each selected disk had I/O in flight ({@code io_ticks}), by disk name
 */
public record SystemReading(
        long monotonicNanos,
        CpuReading cpu,
        MemoryReading memory,
        double loadAverage1m,
        int cores,
        Map<String, IoCounters> network,
        Map<String, IoCounters> disks,
        Map<String, Double> linkCapacity,
        Map<String, Long> diskBusyMillis) {

    /** A reading without link capacities nor busy times (neither utilisation can be told from it). */
    public SystemReading(
            long monotonicNanos,
            CpuReading cpu,
            MemoryReading memory,
            double loadAverage1m,
            int cores,
            Map<String, IoCounters> network,
            Map<String, IoCounters> disks) {
        this(monotonicNanos, cpu, memory, loadAverage1m, cores, network, disks, Map.of(), Map.of());
    }

    public SystemReading {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, got " + cores);
        }
        network = Map.copyOf(network);
        disks = Map.copyOf(disks);
        linkCapacity = Map.copyOf(linkCapacity);
        diskBusyMillis = Map.copyOf(diskBusyMillis);
    }
}
