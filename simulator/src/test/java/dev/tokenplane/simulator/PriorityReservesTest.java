package dev.tokenplane.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The admission rule of the per-class reserves, worked out by hand on a bucket of 100. */
class PriorityReservesTest {

    private static final PriorityReserves RESERVES = PriorityReserves.DEFAULTS;

    @Test
    void shouldAdmitAClassOnlyIfItsReserveStaysInTheBucket() {
        // 21 tokens: a take of 1 leaves 20 = 0.20 * 100, exactly low's reserve
        assertThat(RESERVES.admits(21, 1, 100, Priority.LOW)).isTrue();
        // 20.5 leaves 19.5: low is denied, normal (10) is not
        assertThat(RESERVES.admits(20.5, 1, 100, Priority.LOW)).isFalse();
        assertThat(RESERVES.admits(20.5, 1, 100, Priority.NORMAL)).isTrue();
        // 6 leaves 5 = high's reserve; 5.5 leaves 4.5, below it
        assertThat(RESERVES.admits(6, 1, 100, Priority.HIGH)).isTrue();
        assertThat(RESERVES.admits(5.5, 1, 100, Priority.HIGH)).isFalse();
        // critical may take the last token, never more than there is
        assertThat(RESERVES.admits(1, 1, 100, Priority.CRITICAL)).isTrue();
        assertThat(RESERVES.admits(0.9, 1, 100, Priority.CRITICAL)).isFalse();
    }

    @Test
    void shouldAdmitEveryClassAlikeWithoutReserves() {
        for (Priority p : Priority.values()) {
            assertThat(PriorityReserves.NONE.admits(1, 1, 100, p)).isTrue();
            assertThat(PriorityReserves.NONE.admits(0.5, 1, 100, p)).isFalse();
        }
    }

    @Test
    void shouldRefuseAReserveOutsideZeroToOne() {
        assertThatThrownBy(() -> new PriorityReserves(0, 0.05, 1.5, 0.2)).isInstanceOf(IllegalArgumentException.class);
    }
}
