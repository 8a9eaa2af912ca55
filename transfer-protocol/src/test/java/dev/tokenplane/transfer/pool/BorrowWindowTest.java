package dev.tokenplane.transfer.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Priority;
import dev.tokenplane.store.PriorityReserves;
import org.junit.jupiter.api.Test;

class BorrowWindowTest {

    private final BorrowWindow window = new BorrowWindow(1_000, 0);

    @Test
    void shouldLetTheOnlyClaimantHaveWhatItAsksUpToTheWholeCapacity() {
        window.roll(0, 600);

        assertThat(window.claim("a", 1, 10)).isEqualTo(10);
        assertThat(window.claim("a", 1, 1_000)).isEqualTo(600);
    }

    @Test
    void shouldKeepTheShareOfALastWindowClaimantThatHasNotAskedYet() {
        // Given "b" asked for plenty in the last window
        window.roll(0, 600);
        window.claim("a", 1, 1_000);
        window.claim("b", 1, 1_000);

        // When a new window opens and "a" asks first
        window.roll(1_000, 600);
        long allowance = window.claim("a", 1, 10);

        // Then "a" may take only its half: "b"'s standing claim holds the other
        assertThat(allowance).isEqualTo(300);
        window.borrowed("a", 1, 300);
        assertThat(window.claim("a", 1, 10)).isZero();
        assertThat(window.claim("b", 1, 10)).isEqualTo(300);
    }

    @Test
    void shouldKeepTheLastReservedShareOfTheWindowForHigherClasses() {
        window.roll(0, 1_000);
        long low = PriorityReserves.DEFAULTS.reservePpm(Priority.LOW);

        // A low-priority borrower may take the window down to its 20 % reserve, within its fair share
        assertThat(window.claim("a", 1, 900, Priority.LOW, low)).isEqualTo(800);
        window.borrowed("a", 1, 800);
        assertThat(window.claim("a", 1, 10, Priority.LOW, low)).isZero();

        // while a critical borrower still gets its fair share of what is left
        assertThat(window.claim("b", 1, 100, Priority.CRITICAL, 0)).isEqualTo(100);
        assertThat(window.highestClasses()).containsEntry("a", Priority.LOW).containsEntry("b", Priority.CRITICAL);
    }

    @Test
    void shouldChangeNothingWithReservesOfZero() {
        window.roll(0, 700);
        window.claim("light", 1, 1_000, Priority.LOW, 0);
        window.claim("heavy", 6, 1_000, Priority.CRITICAL, 0);

        assertThat(window.claim("light", 1, 0, Priority.LOW, 0)).isEqualTo(100);
        assertThat(window.claim("heavy", 6, 0, Priority.HIGH, 0)).isEqualTo(600);
    }

    @Test
    void shouldDivideByWeight() {
        window.roll(0, 700);
        window.claim("light", 1, 1_000);
        window.claim("heavy", 6, 1_000);

        assertThat(window.allowance("light")).isEqualTo(100);
        assertThat(window.allowance("heavy")).isEqualTo(600);
    }

    @Test
    void shouldCountRefusedAsksSoThatAHungryClaimantShowsItsHunger() {
        window.roll(0, 100);
        for (int i = 0; i < 50; i++) {
            window.claim("a", 1, 10);
        }
        window.borrowed("a", 1, 100);

        // The next window still reserves for "a" all it asked for (500), not only the 100 it got
        window.roll(1_000, 1_000);
        window.claim("b", 1, 1_000);
        assertThat(window.allowance("b")).isEqualTo(500);
    }

    @Test
    void shouldForgetClaimsOlderThanTheLastWindow() {
        window.roll(0, 600);
        window.claim("b", 1, 1_000);
        window.roll(1_000, 600);
        window.roll(2_000, 600);

        assertThat(window.claim("a", 1, 1_000)).isEqualTo(600);
        assertThat(window.isDue(2_999)).isFalse();
        assertThat(window.isDue(3_000)).isTrue();
    }
}
