package dev.tokenplane.agent.sampling;

import dev.tokenplane.agent.core.IoCounters;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Parsers for the two Linux files that hold every device's byte counters at once. OSHI reads the same numbers per
 * device (one udev enumeration per disk, about ten sysfs files per interface); one read of each file per tick is two
 * orders of magnitude cheaper, which matters for an agent that must stay under 1 % of a core.
 */
final class ProcfsCounters {

    /** The kernel counts disk I/O in 512-byte sectors whatever the device's block size. */
    private static final long SECTOR_BYTES = 512;

    private ProcfsCounters() {}

    /**
     * {@code /proc/diskstats}: {@code major minor name reads merged sectorsRead msRead writes merged sectorsWritten
     * ...} (kernel documentation: admin-guide/iostats).
     *
     * @return bytes read and written by device name ({@code vda}, {@code nvme0n1}, ...)
     */
    static Map<String, IoCounters> diskstats(String text) {
        return perDevice(
                text,
                10,
                fields -> new IoCounters(
                        Long.parseUnsignedLong(fields[5]) * SECTOR_BYTES,
                        Long.parseUnsignedLong(fields[9]) * SECTOR_BYTES));
    }

    /**
     * {@code /proc/diskstats}, field 13 ({@code io_ticks}): the milliseconds each device had at least one request in
     * flight, the counter of iostat's {@code %util} and of OSHI's {@code HWDiskStore.getTransferTime()}.
     *
     * @return busy milliseconds by device name
     */
    static Map<String, Long> diskBusyMillis(String text) {
        return perDevice(text, 13, fields -> Long.parseUnsignedLong(fields[12]));
    }

    /** One value per device line of {@code /proc/diskstats} that has at least {@code minFields} fields. */
    private static <T> Map<String, T> perDevice(String text, int minFields, Function<String[], T> value) {
        Map<String, T> values = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= minFields) {
                try {
                    values.put(fields[2], value.apply(fields));
                } catch (NumberFormatException ignored) {
                    // not a device line
                }
            }
        }
        return values;
    }

    /**
     * {@code /proc/net/dev}: two header lines, then {@code name: rxBytes rxPackets ... (8 receive fields) txBytes ...}.
     *
     * @return bytes received and sent by interface name
     */
    static Map<String, IoCounters> netDev(String text) {
        Map<String, IoCounters> counters = new HashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String[] fields = line.substring(colon + 1).strip().split("\\s+");
            if (fields.length >= 9) {
                try {
                    counters.put(
                            line.substring(0, colon).strip(),
                            new IoCounters(Long.parseUnsignedLong(fields[0]), Long.parseUnsignedLong(fields[8])));
                } catch (NumberFormatException ignored) {
                    // not an interface line
                }
            }
        }
        return counters;
    }
}
