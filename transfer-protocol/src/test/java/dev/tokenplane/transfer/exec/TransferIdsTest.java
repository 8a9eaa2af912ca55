package dev.tokenplane.transfer.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TransferIdsTest {

    private static final long T0 = TransferIds.EPOCH_MILLIS + 1_000_000;

    @Test
    void shouldGrowWithTimeAndNeverRepeatOrGoBack() {
        AtomicLong clock = new AtomicLong(T0);
        TransferIds ids = TransferIds.timeOrdered(clock::get, 7);

        long first = ids.next();
        long[] burst = new long[100]; // more than 64 in one millisecond borrow from the next
        for (int i = 0; i < burst.length; i++) {
            burst[i] = ids.next();
            assertThat(burst[i]).isGreaterThan(i == 0 ? first : burst[i - 1]);
        }
        clock.set(T0 - 5_000); // the clock goes back: ids do not
        long afterSkew = ids.next();
        clock.set(T0 + 10);
        long later = ids.next();

        assertThat(first >>> 22).isEqualTo(1_000_000);
        assertThat((first >>> 6) & 0xFFFF).isEqualTo(7);
        assertThat(afterSkew).isGreaterThan(burst[burst.length - 1]);
        assertThat(later >>> 22).isEqualTo(1_000_010);
    }

    @Test
    void shouldNotCollideAcrossNodesInTheSameMillisecond() {
        TransferIds a = TransferIds.timeOrdered(() -> T0, 1);
        TransferIds b = TransferIds.timeOrdered(() -> T0, 2);

        assertThat(a.next()).isNotEqualTo(b.next()).isPositive();
        assertThatThrownBy(() -> TransferIds.timeOrdered(() -> T0, 1 << 16))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
