package dev.tokenplane.agent.core;

import java.util.OptionalDouble;

/**
 * One reading of a CPU counter, from one of two sources. Utilisation is the difference of two readings of the same
 * kind; readings of different kinds have no utilisation between them.
 */
public sealed interface CpuReading permits CpuReading.HostTicks, CpuReading.CgroupUsage {

    /**
     * The fraction of the available CPU that was busy between {@code earlier} and this reading.
     *
     * @param earlier      the previous reading
     * @param elapsedNanos monotonic time between the two readings (used by the cgroup source only)
     * @return a fraction in [0, 1], or empty when it cannot be told (different sources, no time, counters reset)
     */
    OptionalDouble utilisationSince(CpuReading earlier, long elapsedNanos);

    /**
     * Cumulative system-wide CPU ticks by state, as in {@code /proc/stat}'s {@code cpu} line.
     *
     * <p>Utilisation between two readings is {@code (Δtotal − Δidle − Δiowait) / Δtotal}, the same definition as
     * OSHI's {@code getSystemCpuLoadBetweenTicks} (steal counts as busy: the guest could not run).
     */
    record HostTicks(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal)
            implements CpuReading {

        /** The sum of all states. */
        public long total() {
            return user + nice + system + idle + iowait + irq + softirq + steal;
        }

        @Override
        public OptionalDouble utilisationSince(CpuReading earlier, long elapsedNanos) {
            if (!(earlier instanceof HostTicks before)) {
                return OptionalDouble.empty();
            }
            long totalDelta = total() - before.total();
            long idleDelta = (idle + iowait) - (before.idle + before.iowait);
            if (totalDelta <= 0 || idleDelta < 0 || idleDelta > totalDelta) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Fractions.clamp01((double) (totalDelta - idleDelta) / totalDelta));
        }
    }

    /**
     * Cumulative CPU time used by this cgroup ({@code cpu.stat usage_usec}) and the CPU it may use.
     *
     * <p>Utilisation is {@code Δusage / (Δwall × limitCores)}, clamped to [0, 1].
     *
     * @param usageMicros cumulative CPU time of the cgroup in microseconds
     * @param limitCores  the cores the cgroup may use: {@code min(quota / period, online CPUs)}, &gt; 0
     */
    record CgroupUsage(long usageMicros, double limitCores) implements CpuReading {

        public CgroupUsage {
            if (!(limitCores > 0)) {
                throw new IllegalArgumentException("limitCores must be > 0, got " + limitCores);
            }
        }

        @Override
        public OptionalDouble utilisationSince(CpuReading earlier, long elapsedNanos) {
            if (!(earlier instanceof CgroupUsage before) || elapsedNanos <= 0 || usageMicros < before.usageMicros) {
                return OptionalDouble.empty();
            }
            double usedNanos = (usageMicros - before.usageMicros) * 1000.0;
            return OptionalDouble.of(Fractions.clamp01(usedNanos / (elapsedNanos * limitCores)));
        }
    }
}
