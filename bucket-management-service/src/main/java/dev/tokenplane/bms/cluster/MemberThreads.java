package dev.tokenplane.bms.cluster;

import com.hazelcast.config.Config;

/**
 * The partition threads of a member that also serves HTTP. Hazelcast starts one partition thread per CPU (at least
 * two); the BMS already runs one Vert.x event loop per CPU beside them, and every cold-key decision hands work from an
 * event loop to a partition thread and back. With half as many partition threads, a busy one more often finds the next
 * operation already queued instead of being woken for it: on two CPUs, 1 partition thread had a lower p99 at a fixed
 * load than 2 in every pair, and mostly less CPU per decision (BENCHMARKS.md, "threads and JVM options of the
 * cold-key path"). A data member ({@code DataMemberMain}), which serves no HTTP, keeps Hazelcast's default.
 */
public final class MemberThreads {
    /** Hazelcast's property for the number of partition threads. */
    public static final String PARTITION_THREADS = "hazelcast.operation.thread.count";

    private MemberThreads() {}

    /**
     * Sets {@value #PARTITION_THREADS} to half of {@code cpus} (at least 1) unless the configuration or the command
     * line ({@code -Dhazelcast.operation.thread.count=N}, e.g. through the chart's {@code bms.javaOpts}) sets it.
     */
    public static void besideHttp(Config config, int cpus) {
        if (config.getProperty(PARTITION_THREADS) == null && System.getProperty(PARTITION_THREADS) == null) {
            config.setProperty(PARTITION_THREADS, Integer.toString(partitionThreads(cpus)));
        }
    }

    /** The partition threads of a member beside HTTP on {@code cpus} CPUs. */
    static int partitionThreads(int cpus) {
        return Math.max(1, cpus / 2);
    }
}
