package dev.tokenplane.bms.stats;

/**
 * This member's decision statistics: per-rule counts per second and the denied keys. Pure (time is an argument) and
 * thread-safe; fixed memory per rule, and fixed memory for the keys whatever their number.
 */
public final class DecisionStats {
    /** The longest window {@code GET /v1/stats} answers. */
    public static final int WINDOW_SECONDS = 300;
    /** The size of each minute's denied-keys sketch. */
    public static final int SKETCH_SIZE = 256;

    private final DecisionCounters counters = new DecisionCounters(WINDOW_SECONDS);
    private final DeniedKeys denied = new DeniedKeys(WINDOW_SECONDS / 60, SKETCH_SIZE);

    /** Counts one decision of {@code key} under {@code ruleId}. */
    public void record(DecisionCounters.Outcome outcome, String ruleId, String key, long nowMillis) {
        counters.record(ruleId, outcome, nowMillis);
        if (outcome != DecisionCounters.Outcome.GRANTED) {
            denied.record(key, nowMillis); // shadow denials too: they are the keys a rule would deny
        }
    }

    /** Everything this member counted in the window ending at {@code nowMillis}. */
    public MemberStats snapshot(long nowMillis) {
        return new MemberStats(
                Math.floorDiv(nowMillis, 1000),
                counters.snapshot(nowMillis),
                DeniedKeys.toBytes(denied.window(nowMillis)));
    }
}
