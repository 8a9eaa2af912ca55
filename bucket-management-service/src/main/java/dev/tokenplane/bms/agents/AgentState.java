package dev.tokenplane.bms.agents;

import java.util.ArrayList;
import java.util.List;

/**
 * What the BMS knows of one server's agent: its latest few reports (oldest first) and when the last one arrived, on
 * the clock of the member that received it (never the agent's own clock, which may be off).
 *
 * @param serverId     the server
 * @param region       the region of the latest report that named one
 * @param pool         the pool of the latest report that named one
 * @param lastReportAt epoch millis the latest report was received
 * @param reports      the latest reports, oldest first, at most {@link AgentRegistry#KEEP_REPORTS}
 * @param received     how many reports this state has taken in all: of two copies of the same server's state, the one
 *                     that received more is the newer (two reports may arrive in the same millisecond)
 */
public record AgentState(
        String serverId, String region, String pool, long lastReportAt, List<AgentReport> reports, long received) {

    /** Whether this state is at least as recent as {@code other}. */
    public boolean isAtLeastAsNewAs(AgentState other) {
        return received >= other.received;
    }

    /** The latest report. */
    public AgentReport latest() {
        return reports.get(reports.size() - 1);
    }

    /** Whether the agent has not reported for more than {@code staleAfterMs} at {@code nowMillis}. */
    public boolean isStaleAt(long nowMillis, long staleAfterMs) {
        return nowMillis - lastReportAt > staleAfterMs;
    }

    /** This state with {@code report}, received at {@code at}, appended, keeping the latest {@code keep}. */
    public static AgentState append(AgentState current, AgentReport report, long at, int keep) {
        List<AgentReport> reports = new ArrayList<>(current == null ? List.of() : current.reports());
        reports.add(report);
        while (reports.size() > keep) {
            reports.remove(0);
        }
        String region = report.region() != null ? report.region() : current == null ? null : current.region();
        String pool = report.pool() != null ? report.pool() : current == null ? null : current.pool();
        long last = current == null ? at : Math.max(at, current.lastReportAt());
        long received = current == null ? 1 : current.received() + 1;
        return new AgentState(report.serverId(), region, pool, last, List.copyOf(reports), received);
    }
}
