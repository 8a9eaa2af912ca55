package dev.tokenplane.transfer.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenplane.store.Tokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What one borrow asks for: {@code min(room, max(shortfall, shortfall · borrowAhead), maxTokens)}. */
class BorrowBudgetTest {
    private static final long T = Tokens.SCALE;

    @Test
    void shouldBorrowAheadUpToTheRoomAndTheCap() {
        assertThat(BorrowBudget.NONE.wantNanos(2 * T, 100 * T, 4)).isEqualTo(8 * T);
        assertThat(BorrowBudget.NONE.wantNanos(2 * T, 5 * T, 4)).isEqualTo(5 * T);
        assertThat(new BorrowBudget(1.0, null).wantNanos(2 * T, 100 * T, 4)).isEqualTo(2 * T);
        assertThat(new BorrowBudget(null, 3.0).wantNanos(2 * T, 100 * T, 4)).isEqualTo(3 * T);
        assertThat(new BorrowBudget(null, 1.5).wantNanos(2 * T, 100 * T, 4))
                .as("below the shortfall: the caller refuses")
                .isEqualTo(T + T / 2);
    }

    @Test
    void shouldRefuseValuesOutOfRangeNamingTheField() {
        assertThatThrownBy(() -> new BorrowBudget(0.5, null)).hasMessage("borrowAhead must be in [1, 1000], was 0.5");
        assertThatThrownBy(() -> new BorrowBudget(null, 0.0))
                .hasMessage("maxTokens must be in (0, 1000000000], was 0.0");
        assertThatThrownBy(() -> new BorrowBudget(null, null, 0.0))
                .hasMessage("timeBudgetMs must be in (0, 10000], was 0.0");
        assertThatThrownBy(() -> new BorrowBudget(null, null, 10_000.5))
                .hasMessage("timeBudgetMs must be in (0, 10000], was 10000.5");
    }

    @Test
    void shouldKeepTheMembersTimeBudgetUnlessOneIsSet() {
        assertThat(BorrowBudget.NONE.timeBudget()).isNull();
        assertThat(new BorrowBudget(null, null, 5_000.0).timeBudget()).isEqualTo(Duration.ofSeconds(5));
        assertThat(new BorrowBudget(null, null, 0.5).timeBudget()).isEqualTo(Duration.ofNanos(500_000));
    }
}
