package dev.tokenplane.store.hazelcast;

import java.util.Optional;
import java.util.concurrent.ForkJoinPool;

/**
 * The JVM settings an embedded Hazelcast member needs, in one place. The operator's view, with the JVM flags, is
 * {@code docs/operations.md}; the flags themselves are defined once, as properties of the parent {@code pom.xml}.
 *
 * <h2>The common pool</h2>
 * Hazelcast's public futures ({@code IMap.submitToKey}, {@code setAsync}, ...) run their continuations on the JDK's
 * common pool unless given an executor. On a machine with few CPUs the common pool has parallelism 1, and Hazelcast
 * then starts a new thread for every async callback: about ten times fewer operations per second (BENCHMARKS.md,
 * "Completions"). The bucket store goes around this ({@link HazelcastInternals}), but other Hazelcast users in the same
 * JVM do not, so a member's {@code main} calls {@link #applyCommonPoolDefault()} before anything touches
 * {@link ForkJoinPool}.
 */
public final class RuntimeTuning {

    /** The system property that sizes the JDK's common pool. */
    public static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The smallest common pool with which Hazelcast does not start a thread per callback. */
    public static final int MIN_COMMON_POOL_PARALLELISM = 2;

    private RuntimeTuning() {}

    /**
     * Sizes the common pool to the number of CPUs, at least {@value #MIN_COMMON_POOL_PARALLELISM}, unless the command
     * line set {@value #COMMON_POOL_PARALLELISM}. Takes effect only before the first use of {@link ForkJoinPool}.
     */
    public static void applyCommonPoolDefault() {
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(
                    COMMON_POOL_PARALLELISM,
                    Integer.toString(Math.max(
                            MIN_COMMON_POOL_PARALLELISM, Runtime.getRuntime().availableProcessors())));
        }
    }

    /** A warning to log when the common pool is too small for Hazelcast, or empty when it is large enough. */
    public static Optional<String> commonPoolWarning() {
        int parallelism = ForkJoinPool.getCommonPoolParallelism();
        if (parallelism >= MIN_COMMON_POOL_PARALLELISM) {
            return Optional.empty();
        }
        return Optional.of("the common pool has parallelism " + parallelism + ": Hazelcast will start a thread per "
                + "async callback and decisions will be slow; start the JVM with -D" + COMMON_POOL_PARALLELISM + "="
                + MIN_COMMON_POOL_PARALLELISM + " or more");
    }

    /**
     * Whether the current thread is a Hazelcast partition thread, which may call only its own partition (so a
     * continuation that calls another bucket must be handed over).
     */
    public static boolean isPartitionThread() {
        return HazelcastInternals.isPartitionThread();
    }
}
