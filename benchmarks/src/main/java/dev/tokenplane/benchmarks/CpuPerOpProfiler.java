package dev.tokenplane.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the whole benchmark JVM per operation (benchmark threads, Hazelcast's threads, GC): {@code -prof
 * dev.tokenplane.benchmarks.CpuPerOpProfiler}. On a shared machine the throughput of a CPU-bound benchmark follows
 * the other tenants' load; the CPU each decision costs moves much less, so the ratios between implementations are read
 * from this figure. Operations are the iteration's throughput times its length (so {@code @OperationsPerInvocation}
 * counts).
 */
public final class CpuPerOpProfiler implements InternalProfiler {

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpuAtStart;
    private long wallAtStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = os.getProcessCpuTime();
        wallAtStart = System.nanoTime();
    }

    @Override
    public List<? extends Result> afterIteration(
            BenchmarkParams benchmarkParams, IterationParams iterationParams, IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpuAtStart;
        double seconds = (System.nanoTime() - wallAtStart) / 1e9;
        double opsPerSecond = result.getPrimaryResult().getScore();
        double ops =
                opsPerSecond * iterationParams.getTime().convertTo(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e9;
        return List.of(
                new ScalarResult("cpu.us/op", cpu / 1e3 / ops, "us/op", AggregationPolicy.AVG),
                new ScalarResult("cpu.cores", cpu / 1e9 / seconds, "cores", AggregationPolicy.AVG));
    }
}
