package dev.tokenplane.agent.sampling;

import dev.tokenplane.agent.core.CpuReading;
import dev.tokenplane.agent.core.IoCounters;
import dev.tokenplane.agent.core.MemoryReading;
import dev.tokenplane.agent.core.NameFilter;
import dev.tokenplane.agent.core.SystemReading;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.util.GlobalConfig;

/**
 * Reads the host through OSHI, and the container's limits through {@link CgroupV2} when they are set.
 *
 * <ul>
 *   <li>CPU: {@code CentralProcessor.getSystemCpuLoadTicks()} (on Linux {@code /proc/stat}); with a cgroup CPU quota,
 *       the cgroup's {@code cpu.stat usage_usec} against {@code min(quota, logical CPUs)} instead;</li>
 *   <li>memory: {@code GlobalMemory.getTotal() − getAvailable()} over {@code getTotal()} ({@code MemAvailable} of
 *       {@code /proc/meminfo}); with a cgroup {@code memory.max}, the cgroup's working set over that limit;</li>
 *   <li>load: {@code getSystemLoadAverage(1)} over {@code getLogicalProcessorCount()};</li>
 *   <li>network: the interfaces OSHI lists ({@code getNetworkIFs(true)}) that the filter takes; their byte counters
 *       from {@code /proc/net/dev} on Linux (the numbers of {@code /sys/class/net/IF/statistics/rx_bytes, tx_bytes}
 *       that {@code NetworkIF.updateAttributes()} reads, in one file for all interfaces), elsewhere
 *       {@code NetworkIF.updateAttributes()} and {@code getBytesRecv()/getBytesSent()};</li>
 *   <li>disks: the disks OSHI lists ({@code getDiskStores()}) that the filter takes; their counters from
 *       {@code /proc/diskstats} on Linux (sectors read and written × 512, the numbers {@code HWDiskStore} reads, but
 *       without a udev enumeration per disk per tick, which costs about 2 ms each), elsewhere
 *       {@code HWDiskStore.updateAttributes()} and {@code getReadBytes()/getWriteBytes()};</li>
 *   <li>disk busy time: {@code io_ticks} of {@code /proc/diskstats} on Linux, which is what OSHI's
 *       {@code HWDiskStore.getTransferTime()} reads there (udev's {@code stat}), elsewhere {@code getTransferTime()};</li>
 *   <li>link capacity: {@code NetworkIF.getSpeed()} (bits/s) when the OS reports one, else the configured capacity
 *       ({@code AGENT_NET_CAPACITY_BPS}), else none (the interface adds no {@code netUtilisation}).</li>
 * </ul>
 * OSHI's own 300 ms memoisation is turned off, so each tick reads fresh values.
 * Interfaces and disks are listed once and then every {@link #RELIST_NANOS}, so that new devices are seen.
 *
 * <p>Not thread-safe: one sampler thread calls {@link #read()}.
 */
public final class OshiSystemSource implements SystemSource {

    static {
        // OSHI caches each reading for 300 ms by default; the agent reads once per tick (ticks may be 100 ms apart)
        // and must see fresh counters every time. Set before any OSHI class reads its configuration.
        GlobalConfig.set(GlobalConfig.OSHI_UTIL_MEMOIZER_EXPIRATION, 0);
    }

    private static final Path PROC_NET_DEV = Path.of("/proc/net/dev");
    private static final Path PROC_DISKSTATS = Path.of("/proc/diskstats");

    /** How often the device lists are rebuilt: one minute. */
    static final long RELIST_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final HardwareAbstractionLayer hardware;
    private final NameFilter networkFilter;
    private final boolean includeLoopback;
    private final NameFilter diskFilter;
    private final Optional<CgroupV2> cgroup;
    private final LongSupplier nanoTime;
    private List<NetworkIF> interfaces = List.of();
    private List<HWDiskStore> disks = List.of();
    private Map<String, Double> linkCapacity = Map.of();
    private final long fallbackLinkBitsPerSecond;
    private long listedAtNanos;
    private boolean listed;

    /**
     * @param networkFilter   interfaces to sum, by name
     * @param includeLoopback whether loopback interfaces count (normally not: loopback traffic never leaves the host)
     * @param diskFilter      disks to sum, by name
     * @param cgroup          the agent's cgroup v2, if any
     * @param nanoTime        the monotonic clock, {@code System::nanoTime} outside tests
     * @param fallbackLinkBitsPerSecond capacity of an interface whose speed the OS does not report, bits/s; 0: none
     */
    public OshiSystemSource(
            NameFilter networkFilter,
            boolean includeLoopback,
            NameFilter diskFilter,
            Optional<CgroupV2> cgroup,
            LongSupplier nanoTime,
            long fallbackLinkBitsPerSecond) {
        this.fallbackLinkBitsPerSecond = fallbackLinkBitsPerSecond;
        this.hardware = new SystemInfo().getHardware();
        this.processor = hardware.getProcessor();
        this.memory = hardware.getMemory();
        this.networkFilter = networkFilter;
        this.includeLoopback = includeLoopback;
        this.diskFilter = diskFilter;
        this.cgroup = cgroup;
        this.nanoTime = nanoTime;
    }

    @Override
    public SystemReading read() {
        long now = nanoTime.getAsLong();
        refreshDeviceLists(now);
        int cpus = Math.max(1, processor.getLogicalProcessorCount());
        Optional<CgroupV2.Limits> limits = cgroup.map(CgroupV2::read);
        DiskReadings diskReadings = readDisks();
        return new SystemReading(
                now,
                readCpu(limits, cpus),
                readMemory(limits),
                processor.getSystemLoadAverage(1)[0],
                cpus,
                readNetwork(),
                diskReadings.bytes(),
                linkCapacity,
                diskReadings.busyMillis());
    }

    /** The capacity of each summed interface in bytes/s (for logs and tests); absent when unknown. */
    public Map<String, Double> linkCapacity() {
        refreshDeviceLists(nanoTime.getAsLong());
        return linkCapacity;
    }

    /** Names of the interfaces currently summed (for logs and tests). */
    public List<String> interfaceNames() {
        refreshDeviceLists(nanoTime.getAsLong());
        return interfaces.stream().map(NetworkIF::getName).toList();
    }

    /** Names of the disks currently summed (for logs and tests). */
    public List<String> diskNames() {
        refreshDeviceLists(nanoTime.getAsLong());
        return disks.stream().map(HWDiskStore::getName).toList();
    }

    private CpuReading readCpu(Optional<CgroupV2.Limits> limits, int cpus) {
        if (limits.isPresent()
                && limits.get().cpuLimitCores().isPresent()
                && limits.get().cpuUsageMicros().isPresent()) {
            double cores = Math.min(limits.get().cpuLimitCores().getAsDouble(), cpus);
            return new CpuReading.CgroupUsage(limits.get().cpuUsageMicros().getAsLong(), cores);
        }
        long[] ticks = processor.getSystemCpuLoadTicks();
        return new CpuReading.HostTicks(
                ticks[TickType.USER.getIndex()],
                ticks[TickType.NICE.getIndex()],
                ticks[TickType.SYSTEM.getIndex()],
                ticks[TickType.IDLE.getIndex()],
                ticks[TickType.IOWAIT.getIndex()],
                ticks[TickType.IRQ.getIndex()],
                ticks[TickType.SOFTIRQ.getIndex()],
                ticks[TickType.STEAL.getIndex()]);
    }

    private MemoryReading readMemory(Optional<CgroupV2.Limits> limits) {
        long total = memory.getTotal();
        if (limits.isPresent()
                && limits.get().memoryLimitBytes().isPresent()
                && limits.get().memoryWorkingBytes().isPresent()) {
            long limit = Math.min(limits.get().memoryLimitBytes().getAsLong(), total > 0 ? total : Long.MAX_VALUE);
            return new MemoryReading(limits.get().memoryWorkingBytes().getAsLong(), limit);
        }
        return new MemoryReading(total - memory.getAvailable(), total);
    }

    private Map<String, IoCounters> readNetwork() {
        Map<String, IoCounters> counters = new HashMap<>();
        Optional<Map<String, IoCounters>> all = readProcfs(PROC_NET_DEV).map(ProcfsCounters::netDev);
        for (NetworkIF nif : interfaces) {
            if (all.isPresent()) {
                IoCounters pair = all.get().get(nif.getName());
                if (pair != null) {
                    counters.put(nif.getName(), pair);
                }
            } else if (nif.updateAttributes()) {
                counters.put(nif.getName(), new IoCounters(nif.getBytesRecv(), nif.getBytesSent()));
            }
        }
        return counters;
    }

    /** Byte counters and busy milliseconds of the selected disks, by disk name, from one read. */
    private record DiskReadings(Map<String, IoCounters> bytes, Map<String, Long> busyMillis) {}

    private DiskReadings readDisks() {
        Map<String, IoCounters> bytes = new HashMap<>();
        Map<String, Long> busy = new HashMap<>();
        Optional<String> diskstats = readProcfs(PROC_DISKSTATS);
        Optional<Map<String, IoCounters>> allBytes = diskstats.map(ProcfsCounters::diskstats);
        Optional<Map<String, Long>> allBusy = diskstats.map(ProcfsCounters::diskBusyMillis);
        for (HWDiskStore disk : disks) {
            String name = shortName(disk.getName());
            if (diskstats.isPresent()) {
                putIfPresent(bytes, name, allBytes.get().get(name));
                putIfPresent(busy, name, allBusy.get().get(name));
            } else if (disk.updateAttributes()) {
                bytes.put(name, new IoCounters(disk.getReadBytes(), disk.getWriteBytes()));
                busy.put(name, disk.getTransferTime());
            }
        }
        return new DiskReadings(bytes, busy);
    }

    private static <T> void putIfPresent(Map<String, T> map, String key, T value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The file's text on Linux; empty elsewhere (then OSHI's per-device update is used). */
    private static Optional<String> readProcfs(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private void refreshDeviceLists(long now) {
        if (listed && now - listedAtNanos < RELIST_NANOS) {
            return;
        }
        interfaces = hardware.getNetworkIFs(true).stream()
                .filter(nif -> (includeLoopback || !isLoopback(nif)) && networkFilter.accepts(nif.getName()))
                .toList();
        disks = hardware.getDiskStores().stream()
                .filter(d -> diskFilter.accepts(shortName(d.getName())))
                .toList();
        Map<String, Double> capacity = new HashMap<>();
        for (NetworkIF nif : interfaces) {
            long bits = nif.getSpeed() > 0 ? nif.getSpeed() : fallbackLinkBitsPerSecond;
            if (bits > 0) {
                capacity.put(nif.getName(), bits / 8.0);
            }
        }
        linkCapacity = Map.copyOf(capacity);
        listedAtNanos = now;
        listed = true;
    }

    private static boolean isLoopback(NetworkIF nif) {
        try {
            NetworkInterface ni = nif.queryNetworkInterface();
            return ni != null ? ni.isLoopback() : nif.getName().equals("lo");
        } catch (SocketException e) {
            return nif.getName().equals("lo");
        }
    }

    /** OSHI names Linux disks by device path ({@code /dev/vda}); filters are written against {@code vda}. */
    static String shortName(String diskName) {
        int slash = diskName.lastIndexOf('/');
        return slash >= 0 ? diskName.substring(slash + 1) : diskName;
    }
}
