package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.core.CpuReading.HostTicks;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SystemLoadTest {

    private static final long SECOND = 1_000_000_000L;

    private static SystemReading reading(long nanos, HostTicks cpu, long rx, long tx, long read, long written) {
        return new SystemReading(
                nanos,
                cpu,
                new MemoryReading(3L << 30, 8L << 30),
                1.5,
                2,
                Map.of("eth0", new IoCounters(rx, tx)),
                Map.of("vda", new IoCounters(read, written)));
    }

    @Test
    void shouldTurnTwoReadingsIntoRatesAndFractions() {
        // Given two readings 2 s apart (fake monotonic clock)
        SystemReading before = reading(10 * SECOND, new HostTicks(100, 0, 0, 100, 0, 0, 0, 0), 1_000, 500, 0, 0);
        SystemReading after =
                reading(12 * SECOND, new HostTicks(250, 0, 0, 150, 0, 0, 0, 0), 5_000, 1_500, 8_192, 4_096);

        // When
        SystemLoad load = SystemLoad.between(before, after).orElseThrow();

        // Then
        assertThat(load.cpu()).isCloseTo(0.75, within(1e-12));
        assertThat(load.memory()).isCloseTo(0.375, within(1e-12));
        assertThat(load.loadPerCore()).isCloseTo(0.75, within(1e-12));
        assertThat(load.netRxBytesPerSec()).isEqualTo(2_000.0);
        assertThat(load.netTxBytesPerSec()).isEqualTo(500.0);
        assertThat(load.diskReadBytesPerSec()).isEqualTo(4_096.0);
        assertThat(load.diskWriteBytesPerSec()).isEqualTo(2_048.0);
    }

    @Test
    void shouldCountAnInterfaceResetFromZero() {
        SystemReading before = reading(0, new HostTicks(0, 0, 0, 100, 0, 0, 0, 0), 9_000_000, 9_000_000, 0, 0);
        SystemReading after = reading(SECOND, new HostTicks(10, 0, 0, 190, 0, 0, 0, 0), 300, 200, 0, 0);

        SystemLoad load = SystemLoad.between(before, after).orElseThrow();

        assertThat(load.netRxBytesPerSec()).isEqualTo(300.0);
        assertThat(load.netTxBytesPerSec()).isEqualTo(200.0);
    }

    @Test
    void shouldSkipATickWhoseCpuCannotBeTold() {
        HostTicks same = new HostTicks(1, 0, 0, 1, 0, 0, 0, 0);

        assertThat(SystemLoad.between(reading(0, same, 0, 0, 0, 0), reading(SECOND, same, 0, 0, 0, 0)))
                .isEmpty();
    }

    @Test
    void shouldReportZeroLoadWhereThePlatformHasNoLoadAverage() {
        SystemReading before = new SystemReading(
                0, new HostTicks(0, 0, 0, 10, 0, 0, 0, 0), new MemoryReading(1, 2), -1.0, 4, Map.of(), Map.of());
        SystemReading after = new SystemReading(
                SECOND, new HostTicks(5, 0, 0, 15, 0, 0, 0, 0), new MemoryReading(1, 2), -1.0, 4, Map.of(), Map.of());

        assertThat(SystemLoad.between(before, after).orElseThrow().loadPerCore())
                .isZero();
    }
}
