package dev.tokenplane.sizing;

/**
 * The latest load of the server (or the aggregate of the pool) behind a bucket, from the agent's report.
 *
 * <p>Any signal may be {@link Double#NaN} when the report does not carry it; an unknown signal adds no pressure. For a
 * pool, the caller passes one aggregate sample (the worst server's signals is the safe choice).
 *
 * @param atMillis           when the sample was taken (epoch millis), judged against {@code nowMillis} for staleness
 * @param cpu                CPU utilisation, 0..1
 * @param memory             memory utilisation, 0..1
 * @param netUtilisation     network throughput over the link's capacity, 0..1 (the busiest interface, the busier
 *                           direction of a full-duplex link)
 * @param diskBusy           share of the time a disk had I/O in flight, 0..1 (the busiest disk; iostat's %util)
 * @param latencyP99Ms       request latency p99, ms
 */
public record LoadSample(
        long atMillis, double cpu, double memory, double netUtilisation, double diskBusy, double latencyP99Ms) {

    /** A sample with only CPU and latency p99 (either may be NaN). */
    public static LoadSample of(long atMillis, double cpu, double latencyP99Ms) {
        return new LoadSample(atMillis, cpu, Double.NaN, Double.NaN, Double.NaN, latencyP99Ms);
    }
}
