package dev.tokenplane.bms.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/**
 * The answer to {@code GET /v1/stats}: every member's {@link MemberStats} merged over a window ending at the answering
 * member's clock. Pure.
 *
 * @param windowSeconds   the window
 * @param to              epoch second of the window's last second
 * @param members         members in the cluster
 * @param membersAnswered members whose counts are included
 * @param rules           per rule: totals and per-second series (oldest first), by rule id
 * @param topDeniedKeys   the keys denied most in the window (shadow denials included), most first
 */
public record StatsReport(
        int windowSeconds,
        long to,
        int members,
        int membersAnswered,
        List<RuleStats> rules,
        List<DeniedKey> topDeniedKeys) {

    public record RuleStats(String ruleId, long granted, long denied, long shadowDenied, Series perSecond) {}

    /** Decisions per second, oldest first. */
    public record Series(long[] granted, long[] denied, long[] shadowDenied) {}

    /**
     * @param denials    the sketch's estimate
     * @param lowerBound denials certainly counted (the estimate may overcount by the sketch's error)
     * @param ruleId     the rule serving the key now, or null
     */
    public record DeniedKey(String key, String ruleId, long denials, long lowerBound) {}

    /**
     * Merges {@code stats} over the {@code windowSeconds} seconds ending at {@code nowMillis}.
     *
     * @param ruleFilter only this rule (null for all)
     * @param top        how many denied keys to list
     * @param ruleOfKey  the rule serving a key now (null when none)
     */
    public static StatsReport merge(
            List<MemberStats> stats,
            int members,
            long nowMillis,
            int windowSeconds,
            String ruleFilter,
            int top,
            UnaryOperator<String> ruleOfKey) {
        long last = Math.floorDiv(nowMillis, 1000);
        long first = last - windowSeconds + 1;
        Map<String, long[]> merged = new TreeMap<>();
        ItemsSketch<String> keys = new ItemsSketch<>(DecisionStats.SKETCH_SIZE);
        for (MemberStats m : stats) {
            m.counts().forEach((rule, counts) -> {
                if (ruleFilter != null && !ruleFilter.equals(rule)) {
                    return;
                }
                long[] into = merged.computeIfAbsent(rule, r -> new long[windowSeconds * DecisionCounters.OUTCOMES]);
                int seconds = counts.length / DecisionCounters.OUTCOMES;
                for (int i = 0; i < seconds; i++) {
                    long second = m.lastSecond() - seconds + 1 + i;
                    if (second >= first && second <= last) {
                        int at = (int) (second - first) * DecisionCounters.OUTCOMES;
                        for (int o = 0; o < DecisionCounters.OUTCOMES; o++) {
                            into[at + o] += counts[i * DecisionCounters.OUTCOMES + o];
                        }
                    }
                }
            });
            if (m.deniedKeys() != null && m.deniedKeys().length > 0) {
                keys.merge(DeniedKeys.fromBytes(m.deniedKeys()));
            }
        }
        List<RuleStats> rules = new ArrayList<>();
        merged.forEach((rule, counts) -> rules.add(ruleStats(rule, counts, windowSeconds)));
        List<DeniedKey> denied = new ArrayList<>();
        for (ItemsSketch.Row<String> row : keys.getFrequentItems(0, ErrorType.NO_FALSE_NEGATIVES)) {
            String rule = ruleOfKey.apply(row.getItem());
            if (ruleFilter == null || ruleFilter.equals(rule)) {
                denied.add(new DeniedKey(row.getItem(), rule, row.getEstimate(), row.getLowerBound()));
            }
        }
        denied.sort(Comparator.comparingLong(DeniedKey::denials).reversed().thenComparing(DeniedKey::key));
        return new StatsReport(
                windowSeconds, last, members, stats.size(), rules, denied.subList(0, Math.min(top, denied.size())));
    }

    private static RuleStats ruleStats(String rule, long[] counts, int seconds) {
        long[][] series = new long[DecisionCounters.OUTCOMES][seconds];
        long[] totals = new long[DecisionCounters.OUTCOMES];
        for (int i = 0; i < seconds; i++) {
            for (int o = 0; o < DecisionCounters.OUTCOMES; o++) {
                long c = counts[i * DecisionCounters.OUTCOMES + o];
                series[o][i] = c;
                totals[o] += c;
            }
        }
        return new RuleStats(rule, totals[0], totals[1], totals[2], new Series(series[0], series[1], series[2]));
    }
}
