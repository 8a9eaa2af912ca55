package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The counters of untracked keys, on plain millis. */
class WarmKeysTest {
    /** Promotion at 1,000/s judged over 100 ms: 100 requests; a key is tracked at 25. */
    private final WarmKeys warm = new WarmKeys(HotKeyPolicy.defaults());

    @Test
    void aKeyIsAdmittedAtAQuarterOfThePromotionRateWithinOneWindow() {
        assertThat(warm.threshold()).isEqualTo(25);
        for (int i = 1; i < 25; i++) {
            assertThat(warm.count("k", 1_000 + i)).isZero();
        }
        assertThat(warm.count("k", 1_050)).as("the 25th request of the window").isEqualTo(25);
        assertThat(warm.windowStart(1_050)).isEqualTo(1_000);
    }

    @Test
    void aNewWindowStartsTheCountOver() {
        for (int i = 0; i < 24; i++) {
            warm.count("k", 1_099);
        }
        assertThat(warm.count("k", 1_100))
                .as("24 in the last window, 1 in this one")
                .isZero();
        for (int i = 0; i < 23; i++) {
            assertThat(warm.count("k", 1_150)).isZero();
        }
        assertThat(warm.count("k", 1_199)).isEqualTo(25);
    }

    @Test
    void theCounterStartsOverOnceAKeyIsAdmitted() {
        for (int i = 0; i < 25; i++) {
            warm.count("k", 1_000);
        }
        assertThat(warm.count("k", 1_001))
                .as("admitted; what comes after counts afresh")
                .isZero();
    }
}
