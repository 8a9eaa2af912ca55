package dev.tokenplane.bms.stats;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One member's decisions per rule and second over the last {@link #seconds()} seconds: a ring of counters per rule,
 * reused as time moves on, so memory is fixed per rule whatever the traffic.
 *
 * <p>Pure (time is an argument) and thread-safe: each rule's ring has its own lock, held for a few array writes.
 */
public final class DecisionCounters {
    /** The outcomes counted, in the order of {@link #snapshot}'s arrays. */
    public enum Outcome {
        GRANTED,
        DENIED,
        SHADOW_DENIED
    }

    static final int OUTCOMES = Outcome.values().length;

    private final int seconds;
    private final Map<String, Ring> rings = new ConcurrentHashMap<>();

    /** @param seconds how many seconds the ring holds, the longest window {@link #snapshot} can answer */
    public DecisionCounters(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be >= 1, was " + seconds);
        }
        this.seconds = seconds;
    }

    public int seconds() {
        return seconds;
    }

    /** Counts one decision of {@code ruleId} at {@code nowMillis}. */
    public void record(String ruleId, Outcome outcome, long nowMillis) {
        rings.computeIfAbsent(ruleId, id -> new Ring(seconds)).add(Math.floorDiv(nowMillis, 1000), outcome.ordinal());
    }

    /**
     * The counts of the {@link #seconds()} seconds ending with the one of {@code nowMillis}: per rule, an array of
     * {@code seconds * 3} longs, second by second from the oldest, each second's granted, denied and shadow-denied.
     * Rules with no decision in the window are left out.
     */
    public Map<String, long[]> snapshot(long nowMillis) {
        long lastSecond = Math.floorDiv(nowMillis, 1000);
        Map<String, long[]> out = new LinkedHashMap<>();
        rings.forEach((rule, ring) -> {
            long[] counts = ring.window(lastSecond);
            if (counts != null) {
                out.put(rule, counts);
            }
        });
        return out;
    }

    /** One rule's ring: slot {@code second mod size} holds that second's counts while its stamp says so. */
    private static final class Ring {
        private final long[] stamps;
        private final long[] counts;

        Ring(int size) {
            stamps = new long[size];
            java.util.Arrays.fill(stamps, Long.MIN_VALUE);
            counts = new long[size * OUTCOMES];
        }

        synchronized void add(long second, int outcome) {
            int slot = (int) Math.floorMod(second, (long) stamps.length);
            if (stamps[slot] != second) {
                if (stamps[slot] > second) {
                    return; // older than the ring: a late decision, not worth a slot
                }
                stamps[slot] = second;
                java.util.Arrays.fill(counts, slot * OUTCOMES, slot * OUTCOMES + OUTCOMES, 0);
            }
            counts[slot * OUTCOMES + outcome]++;
        }

        synchronized long[] window(long lastSecond) {
            int size = stamps.length;
            long[] out = new long[size * OUTCOMES];
            boolean any = false;
            for (int i = 0; i < size; i++) {
                long second = lastSecond - size + 1 + i;
                int slot = (int) Math.floorMod(second, (long) size);
                if (stamps[slot] == second) {
                    System.arraycopy(counts, slot * OUTCOMES, out, i * OUTCOMES, OUTCOMES);
                    any = true;
                }
            }
            return any ? out : null;
        }
    }
}
