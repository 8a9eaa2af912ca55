package dev.tokenplane.bms.agents;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import dev.tokenplane.bms.rules.RuleInput;
import java.util.regex.Pattern;

/**
 * One load sample from one server's agent: the body of {@code POST /v1/agents/{serverId}/reports}. Every field is
 * optional (an agent without a latency source leaves the latency out); the ones given are checked by
 * {@link #validate}: fractions in [0, 1], rates, loads and latencies finite and &gt;= 0.
 *
 * @param timestamp            epoch millis the agent took the sample
 * @param cpu                  CPU use, 0..1
 * @param memory               memory use, 0..1
 * @param loadPerCore          load average divided by cores, &gt;= 0
 * @param netRxBytesPerSec     network receive, bytes/s
 * @param netTxBytesPerSec     network transmit, bytes/s
 * @param diskReadBytesPerSec  disk reads, bytes/s
 * @param diskWriteBytesPerSec disk writes, bytes/s
 * @param requestsPerSecond    requests served per second
 * @param latencyP50Ms         request latency, median, ms
 * @param latencyP99Ms         request latency, 99th percentile, ms
 * @param netUtilisation       network throughput over the link's capacity, 0..1 (the busiest interface)
 * @param diskBusy             share of the time a disk had I/O in flight, 0..1 (the busiest disk; iostat's %util)
 */
public record AgentReport(
        String serverId,
        Long timestamp,
        String region,
        String pool,
        Double cpu,
        Double memory,
        Double loadPerCore,
        Double netRxBytesPerSec,
        Double netTxBytesPerSec,
        Double diskReadBytesPerSec,
        Double diskWriteBytesPerSec,
        Double requestsPerSecond,
        Double latencyP50Ms,
        Double latencyP99Ms,
        Double netUtilisation,
        Double diskBusy) {

    public static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** The largest rate or latency accepted; far above any real value, it keeps sums finite. */
    public static final double MAX_VALUE = 1e15;

    /** Checks a server id from a path. */
    public static void checkServerId(String serverId) {
        check(serverId != null && SERVER_ID.matcher(serverId).matches(), "serverId must match [A-Za-z0-9._-]{1,128}");
    }

    /**
     * Checks this report for {@code pathServerId} and returns it with the server id filled in.
     *
     * @throws dev.tokenplane.bms.rules.InvalidInputException naming the first field out of range
     */
    public AgentReport validate(String pathServerId) {
        checkServerId(pathServerId);
        check(serverId == null || serverId.equals(pathServerId), "serverId must be absent or equal the path's");
        check(
                timestamp == null || (timestamp >= 0 && timestamp <= 32_503_680_000_000L),
                "timestamp must be epoch millis in [0, 32503680000000], was " + timestamp);
        check(region == null || RuleInput.NAME.matcher(region).matches(), "region must match [A-Za-z0-9._-]{1,128}");
        check(pool == null || RuleInput.NAME.matcher(pool).matches(), "pool must match [A-Za-z0-9._-]{1,128}");
        fraction("cpu", cpu);
        fraction("memory", memory);
        nonNegative("loadPerCore", loadPerCore);
        nonNegative("netRxBytesPerSec", netRxBytesPerSec);
        nonNegative("netTxBytesPerSec", netTxBytesPerSec);
        nonNegative("diskReadBytesPerSec", diskReadBytesPerSec);
        nonNegative("diskWriteBytesPerSec", diskWriteBytesPerSec);
        fraction("netUtilisation", netUtilisation);
        fraction("diskBusy", diskBusy);
        nonNegative("requestsPerSecond", requestsPerSecond);
        nonNegative("latencyP50Ms", latencyP50Ms);
        nonNegative("latencyP99Ms", latencyP99Ms);
        return new AgentReport(
                pathServerId,
                timestamp,
                region,
                pool,
                cpu,
                memory,
                loadPerCore,
                netRxBytesPerSec,
                netTxBytesPerSec,
                diskReadBytesPerSec,
                diskWriteBytesPerSec,
                requestsPerSecond,
                latencyP50Ms,
                latencyP99Ms,
                netUtilisation,
                diskBusy);
    }

    private static void fraction(String field, Double v) {
        check(v == null || (v >= 0 && v <= 1), field + " must be a fraction in [0, 1], was " + v);
    }

    private static void nonNegative(String field, Double v) {
        check(v == null || (v >= 0 && v <= MAX_VALUE), field + " must be in [0, " + MAX_VALUE + "], was " + v);
    }
}
