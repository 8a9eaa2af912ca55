package dev.tokenplane.agent.core;

/**
 * Memory in use against the memory that may be used.
 *
 * @param usedBytes  bytes in use: host {@code total − available}, or cgroup {@code memory.current − inactive_file}
 * @param limitBytes bytes that may be used: host total, or cgroup {@code memory.max} (at most the host total)
 */
public record MemoryReading(long usedBytes, long limitBytes) {

    /** The fraction in use, in [0, 1]; 0 when the limit is unknown (≤ 0). */
    public double fractionUsed() {
        if (limitBytes <= 0) {
            return 0.0;
        }
        return Fractions.clamp01((double) usedBytes / limitBytes);
    }
}
