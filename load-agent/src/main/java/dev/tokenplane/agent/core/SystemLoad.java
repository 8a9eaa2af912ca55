package dev.tokenplane.agent.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToLongFunction;

/**
 * The machine's load over one sampling interval, in the units of the agent report.
 *
 * @param cpu                  busy fraction of the available CPU, [0, 1]
 * @param memory               fraction of memory in use, [0, 1]
 * @param loadPerCore          one-minute load average divided by cores, ≥ 0 (0 where the platform has none)
 * @param netRxBytesPerSec     bytes/s received over the selected interfaces, ≥ 0
 * @param netTxBytesPerSec     bytes/s sent over the selected interfaces, ≥ 0
 * @param diskReadBytesPerSec  bytes/s read from the selected disks, ≥ 0
 * @param diskWriteBytesPerSec bytes/s written to the selected disks, ≥ 0
 * @param netUtilisation       the busiest interface's throughput over its capacity, [0, 1], or NaN when no capacity
 *                             is known ({@link IoPressure#netUtilisation})
 * @param diskBusy             the busiest disk's share of time with I/O in flight, [0, 1], or NaN when unknown
 *                             ({@link IoPressure#diskBusy})
 */
public record SystemLoad(
        double cpu,
        double memory,
        double loadPerCore,
        double netRxBytesPerSec,
        double netTxBytesPerSec,
        double diskReadBytesPerSec,
        double diskWriteBytesPerSec,
        double netUtilisation,
        double diskBusy) {

    /** A load without the utilisation of links and disks (both unknown). */
    public SystemLoad(
            double cpu,
            double memory,
            double loadPerCore,
            double netRxBytesPerSec,
            double netTxBytesPerSec,
            double diskReadBytesPerSec,
            double diskWriteBytesPerSec) {
        this(
                cpu,
                memory,
                loadPerCore,
                netRxBytesPerSec,
                netTxBytesPerSec,
                diskReadBytesPerSec,
                diskWriteBytesPerSec,
                Double.NaN,
                Double.NaN);
    }

    /**
     * The load between two readings. Counters are 64-bit; see {@link CounterRates} for resets and wraps.
     *
     * @param earlier the previous tick's reading
     * @param later   this tick's reading
     * @return the load, or empty when the CPU fraction cannot be told (the two readings come from different CPU
     *     sources, or no time passed): a report without CPU would mislead the BMS, so the tick is skipped
     */
    public static Optional<SystemLoad> between(SystemReading earlier, SystemReading later) {
        long elapsedNanos = later.monotonicNanos() - earlier.monotonicNanos();
        OptionalDouble cpu = later.cpu().utilisationSince(earlier.cpu(), elapsedNanos);
        if (cpu.isEmpty() || elapsedNanos <= 0) {
            return Optional.empty();
        }
        double loadPerCore = Fractions.nonNegative(later.loadAverage1m() / later.cores());
        return Optional.of(new SystemLoad(
                cpu.getAsDouble(),
                later.memory().fractionUsed(),
                loadPerCore,
                rate(earlier.network(), later.network(), IoCounters::inBytes, elapsedNanos),
                rate(earlier.network(), later.network(), IoCounters::outBytes, elapsedNanos),
                rate(earlier.disks(), later.disks(), IoCounters::inBytes, elapsedNanos),
                rate(earlier.disks(), later.disks(), IoCounters::outBytes, elapsedNanos),
                IoPressure.netUtilisation(earlier.network(), later.network(), later.linkCapacity(), elapsedNanos),
                IoPressure.diskBusy(earlier.diskBusyMillis(), later.diskBusyMillis(), elapsedNanos)));
    }

    private static double rate(
            Map<String, IoCounters> earlier,
            Map<String, IoCounters> later,
            ToLongFunction<IoCounters> side,
            long elapsedNanos) {
        double increment =
                CounterRates.summedIncrement(project(earlier, side), project(later, side), CounterWidth.BITS_64);
        return CounterRates.perSecond(increment, elapsedNanos);
    }

    private static Map<String, Long> project(Map<String, IoCounters> counters, ToLongFunction<IoCounters> side) {
        Map<String, Long> values = new HashMap<>(counters.size() * 2);
        counters.forEach((name, pair) -> values.put(name, side.applyAsLong(pair)));
        return values;
    }
}
