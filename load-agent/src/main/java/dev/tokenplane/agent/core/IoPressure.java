package dev.tokenplane.agent.core;

import java.util.Map;

/**
 * How busy the network links and the disks were between two readings, as fractions in [0, 1]. Pure and stateless;
 * the caller passes the elapsed monotonic time.
 *
 * <ul>
 *   <li><b>disk busy</b> (iostat's {@code %util}): {@code Δ io_ticks / Δ time}, where {@code io_ticks} is the
 *       milliseconds a device had at least one request in flight ({@code /proc/diskstats}, field 13; OSHI's
 *       {@code HWDiskStore.getTransferTime()}). The busiest device counts: one saturated disk is enough to slow the
 *       server. For devices that serve requests in parallel (SSD, NVMe, RAID) 1.0 means busy, not necessarily full.</li>
 *   <li><b>network utilisation</b>: per interface, {@code max(rx, tx) bytes/s / capacity bytes/s} (links are full
 *       duplex: the busier direction is the one that saturates); the busiest interface counts. Interfaces whose
 *       capacity is unknown are left out.</li>
 * </ul>
 * Both answer NaN when no device gives a figure (no device in both readings, or no capacity known), so the report
 * leaves the field out rather than claim an idle device.
 */
public final class IoPressure {

    private IoPressure() {}

    /**
     * The busy fraction of the busiest disk.
     *
     * @param earlier      cumulative busy milliseconds by disk at the earlier reading
     * @param later        the same at the later reading
     * @param elapsedNanos monotonic time between the two readings
     * @return a fraction in [0, 1], or NaN when no disk is in both readings or no time passed
     */
    public static double diskBusy(Map<String, Long> earlier, Map<String, Long> later, long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return Double.NaN;
        }
        double busiest = Double.NaN;
        for (Map.Entry<String, Long> e : later.entrySet()) {
            Long before = earlier.get(e.getKey());
            if (before != null) {
                // the kernel prints io_ticks as an unsigned 32-bit number of ms: it wraps after 49 days
                long busyMillis = CounterRates.increment(before, e.getValue(), CounterWidth.BITS_32);
                busiest = max(busiest, Fractions.clamp01(busyMillis * 1e6 / elapsedNanos));
            }
        }
        return busiest;
    }

    /**
     * The utilisation of the busiest interface whose capacity is known.
     *
     * @param earlier               byte counters by interface at the earlier reading
     * @param later                 the same at the later reading
     * @param capacityBytesPerSecond each interface's capacity in bytes/s; an interface without one is left out
     * @param elapsedNanos          monotonic time between the two readings
     * @return a fraction in [0, 1], or NaN when no interface with a capacity is in both readings or no time passed
     */
    public static double netUtilisation(
            Map<String, IoCounters> earlier,
            Map<String, IoCounters> later,
            Map<String, Double> capacityBytesPerSecond,
            long elapsedNanos) {
        if (elapsedNanos <= 0) {
            return Double.NaN;
        }
        double busiest = Double.NaN;
        for (Map.Entry<String, IoCounters> e : later.entrySet()) {
            IoCounters before = earlier.get(e.getKey());
            Double capacity = capacityBytesPerSecond.get(e.getKey());
            if (before != null && capacity != null && capacity > 0) {
                IoCounters now = e.getValue();
                double rx = CounterRates.perSecond(
                        CounterRates.increment(before.inBytes(), now.inBytes(), CounterWidth.BITS_64), elapsedNanos);
                double tx = CounterRates.perSecond(
                        CounterRates.increment(before.outBytes(), now.outBytes(), CounterWidth.BITS_64), elapsedNanos);
                busiest = max(busiest, Fractions.clamp01(Math.max(rx, tx) / capacity));
            }
        }
        return busiest;
    }

    private static double max(double sofar, double value) {
        return Double.isNaN(sofar) ? value : Math.max(sofar, value);
    }
}
