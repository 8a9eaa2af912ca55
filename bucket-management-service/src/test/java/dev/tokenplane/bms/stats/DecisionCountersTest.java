package dev.tokenplane.bms.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The per-second ring, driven by explicit times (no clock, no sleeping). */
class DecisionCountersTest {
    private static final int G = 0;
    private static final int D = 1;
    private static final int S = 2;

    @Test
    void shouldCountEachOutcomeInItsSecond() {
        DecisionCounters c = new DecisionCounters(5);
        long t = 1_000_000;
        c.record("r", DecisionCounters.Outcome.GRANTED, t);
        c.record("r", DecisionCounters.Outcome.GRANTED, t + 999);
        c.record("r", DecisionCounters.Outcome.DENIED, t + 1000);
        c.record("r", DecisionCounters.Outcome.SHADOW_DENIED, t + 2500);

        long[] w = c.snapshot(t + 2500).get("r");

        // 5 seconds ending with t+2s: the last three slots hold the counts
        assertThat(w).hasSize(15);
        assertThat(w[2 * 3 + G]).isEqualTo(2);
        assertThat(w[3 * 3 + D]).isEqualTo(1);
        assertThat(w[4 * 3 + S]).isEqualTo(1);
        assertThat(sum(w)).isEqualTo(4);
    }

    @Test
    void shouldForgetSecondsThatLeftTheWindowAndReuseTheirSlots() {
        DecisionCounters c = new DecisionCounters(3);
        c.record("r", DecisionCounters.Outcome.DENIED, 10_000);
        c.record("r", DecisionCounters.Outcome.DENIED, 11_000);

        // At 13 s the window is 11..13: the denial of second 10 is gone, the one of 11 is the oldest
        long[] w = c.snapshot(13_000).get("r");
        assertThat(sum(w)).isEqualTo(1);
        assertThat(w[D]).isEqualTo(1);

        // Second 13 reuses second 10's slot and starts from zero
        c.record("r", DecisionCounters.Outcome.GRANTED, 13_100);
        assertThat(c.snapshot(13_100).get("r")[2 * 3 + G]).isEqualTo(1);
        assertThat(sum(c.snapshot(13_100).get("r"))).isEqualTo(2);

        // Long after, the rule has nothing in its window and is left out
        assertThat(c.snapshot(60_000)).isEmpty();
    }

    @Test
    void shouldKeepRulesApart() {
        DecisionCounters c = new DecisionCounters(60);
        for (int i = 0; i < 7; i++) {
            c.record("a", DecisionCounters.Outcome.GRANTED, 5_000 + i);
        }
        c.record("b", DecisionCounters.Outcome.DENIED, 5_000);

        Map<String, long[]> s = c.snapshot(5_000);
        assertThat(sum(s.get("a"))).isEqualTo(7);
        assertThat(sum(s.get("b"))).isEqualTo(1);
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) {
            s += v;
        }
        return s;
    }
}
