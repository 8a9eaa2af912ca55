package dev.tokenplane.agent.sampling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The agent's cgroup v2 directory and what it reads there, so that readings inside a container are against the
 * container's limits rather than the host's.
 *
 * <p>Files read at each tick, for the agent's own cgroup and each ancestor up to the cgroup2 mount (the tightest
 * limit wins, and usage is read where that limit is set):
 * <ul>
 *   <li>{@code cpu.max} ({@code "$QUOTA $PERIOD"} or {@code "max ..."}): the CPU limit in cores = quota / period;</li>
 *   <li>{@code cpu.stat}, key {@code usage_usec}: cumulative CPU time of that cgroup;</li>
 *   <li>{@code memory.max}: the memory limit in bytes ({@code max} = none);</li>
 *   <li>{@code memory.current} minus {@code memory.stat} key {@code inactive_file}: the working set, the memory that
 *       cannot simply be reclaimed (what {@code kubectl top} and the OOM killer's pressure follow).</li>
 * </ul>
 * Thread safety: stateless apart from the directory; safe from any thread.
 */
public final class CgroupV2 {

    /**
     * The limits and usage read in one tick.
     *
     * @param cpuLimitCores      the tightest CPU quota in cores, empty when none is set
     * @param cpuUsageMicros     cumulative CPU time of the cgroup holding that quota
     * @param memoryLimitBytes   the tightest memory.max, empty when none is set
     * @param memoryWorkingBytes working set of the cgroup holding that limit
     */
    public record Limits(
            OptionalDouble cpuLimitCores,
            OptionalLong cpuUsageMicros,
            OptionalLong memoryLimitBytes,
            OptionalLong memoryWorkingBytes) {}

    private final Path directory;
    private final Path mountPoint;

    /**
     * @param directory  the agent's cgroup directory
     * @param mountPoint the cgroup2 mount; ancestors above it are not read
     */
    public CgroupV2(Path directory, Path mountPoint) {
        this.directory = directory.toAbsolutePath().normalize();
        this.mountPoint = mountPoint.toAbsolutePath().normalize();
    }

    /** Finds the agent's own cgroup v2 directory, if this machine mounts cgroup v2 and the process is in it. */
    public static Optional<CgroupV2> detect() {
        return detect(Path.of("/proc/self/cgroup"), Path.of("/proc/self/mountinfo"));
    }

    static Optional<CgroupV2> detect(Path procSelfCgroup, Path mountinfo) {
        Optional<String> path = readQuietly(procSelfCgroup).flatMap(CgroupFiles::unifiedPath);
        Optional<String[]> mount = readQuietly(mountinfo).flatMap(CgroupFiles::cgroup2Mount);
        if (path.isEmpty() || mount.isEmpty()) {
            return Optional.empty();
        }
        String root = mount.get()[0];
        String relative = path.get();
        if (!root.equals("/") && relative.startsWith(root)) {
            relative = relative.substring(root.length());
        }
        Path mountPoint = Path.of(mount.get()[1]);
        Path directory = mountPoint.resolve(relative.replaceFirst("^/+", ""));
        return Files.isDirectory(directory) ? Optional.of(new CgroupV2(directory, mountPoint)) : Optional.empty();
    }

    /** The agent's cgroup directory. */
    public Path directory() {
        return directory;
    }

    /** Reads the current limits and usage. Missing or unreadable files read as "no limit". */
    public Limits read() {
        Path cpuDir = null;
        double cpuCores = Double.POSITIVE_INFINITY;
        Path memDir = null;
        long memLimit = Long.MAX_VALUE;
        for (Path dir = directory; dir != null && dir.startsWith(mountPoint); dir = dir.getParent()) {
            OptionalDouble cores = readQuietly(dir.resolve("cpu.max"))
                    .map(CgroupFiles::cpuMaxCores)
                    .orElse(OptionalDouble.empty());
            if (cores.isPresent() && cores.getAsDouble() < cpuCores) {
                cpuCores = cores.getAsDouble();
                cpuDir = dir;
            }
            OptionalLong limit = readQuietly(dir.resolve("memory.max"))
                    .map(CgroupFiles::singleValue)
                    .orElse(OptionalLong.empty());
            if (limit.isPresent() && limit.getAsLong() < memLimit) {
                memLimit = limit.getAsLong();
                memDir = dir;
            }
        }
        OptionalLong cpuUsage =
                cpuDir == null ? OptionalLong.empty() : statValue(cpuDir.resolve("cpu.stat"), "usage_usec");
        OptionalLong working = memDir == null ? OptionalLong.empty() : workingSet(memDir);
        return new Limits(
                cpuDir == null ? OptionalDouble.empty() : OptionalDouble.of(cpuCores),
                cpuUsage,
                memDir == null ? OptionalLong.empty() : OptionalLong.of(memLimit),
                working);
    }

    private static OptionalLong workingSet(Path dir) {
        OptionalLong current = readQuietly(dir.resolve("memory.current"))
                .map(CgroupFiles::singleValue)
                .orElse(OptionalLong.empty());
        if (current.isEmpty()) {
            return current;
        }
        long inactiveFile =
                statValue(dir.resolve("memory.stat"), "inactive_file").orElse(0L);
        return OptionalLong.of(Math.max(0L, current.getAsLong() - inactiveFile));
    }

    private static OptionalLong statValue(Path file, String key) {
        Map<String, Long> values = readQuietly(file).map(CgroupFiles::flatKeyed).orElse(Map.of());
        Long value = values.get(key);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    private static Optional<String> readQuietly(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }
}
