package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.core.CpuReading.HostTicks;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IoPressureTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldTakeTheBusiestDiskAsIostatsUtil() {
        // Given vda busy 1800 of 2000 ms, vdb 200 of 2000 ms
        Map<String, Long> before = Map.of("vda", 10_000L, "vdb", 500L);
        Map<String, Long> after = Map.of("vda", 11_800L, "vdb", 700L);

        // Then the busier one counts: 0.9
        assertThat(IoPressure.diskBusy(before, after, 2 * SECOND)).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void shouldClampDiskBusyAndSurviveAWrappedCounter() {
        // io_ticks is an unsigned 32-bit count of ms: 4294967000 -> 200 is 496 ms later
        assertThat(IoPressure.diskBusy(Map.of("vda", 4_294_967_000L), Map.of("vda", 200L), SECOND))
                .isCloseTo(0.496, within(1e-12));
        // a tick that ran late and counted a little more busy time than wall time is still at most 1
        assertThat(IoPressure.diskBusy(Map.of("vda", 0L), Map.of("vda", 1_020L), SECOND))
                .isEqualTo(1.0);
    }

    @Test
    void shouldNotClaimAnIdleDiskWhenItCannotTell() {
        assertThat(IoPressure.diskBusy(Map.of(), Map.of("vda", 5L), SECOND)).isNaN();
        assertThat(IoPressure.diskBusy(Map.of("vda", 0L), Map.of("vda", 5L), 0)).isNaN();
    }

    @Test
    void shouldTakeTheBusierDirectionOfTheBusiestLinkWithAKnownCapacity() {
        // Given eth0 at 1 Gbit/s (125 MB/s) moving 50 MB/s in and 100 MB/s out, eth1 busier but of unknown speed
        Map<String, IoCounters> before = Map.of("eth0", new IoCounters(0, 0), "eth1", new IoCounters(0, 0));
        Map<String, IoCounters> after =
                Map.of("eth0", new IoCounters(100_000_000, 200_000_000), "eth1", new IoCounters(900_000_000, 0));

        double utilisation = IoPressure.netUtilisation(before, after, Map.of("eth0", 125e6), 2 * SECOND);

        // Then 100 MB/s over 125 MB/s
        assertThat(utilisation).isCloseTo(0.8, within(1e-12));
        assertThat(IoPressure.netUtilisation(before, after, Map.of(), 2 * SECOND))
                .isNaN();
    }

    @Test
    void shouldCarryBothFractionsFromTwoReadingsIntoTheLoad() {
        HostTicks cpuBefore = new HostTicks(0, 0, 0, 100, 0, 0, 0, 0);
        HostTicks cpuAfter = new HostTicks(10, 0, 0, 190, 0, 0, 0, 0);
        MemoryReading memory = new MemoryReading(1, 2);
        SystemReading before = new SystemReading(
                0,
                cpuBefore,
                memory,
                0.1,
                2,
                Map.of("eth0", new IoCounters(0, 0)),
                Map.of(),
                Map.of("eth0", 1_000.0),
                Map.of("vda", 0L));
        SystemReading after = new SystemReading(
                SECOND,
                cpuAfter,
                memory,
                0.1,
                2,
                Map.of("eth0", new IoCounters(250, 100)),
                Map.of(),
                Map.of("eth0", 1_000.0),
                Map.of("vda", 950L));

        SystemLoad load = SystemLoad.between(before, after).orElseThrow();

        assertThat(load.cpu()).isCloseTo(0.1, within(1e-12));
        assertThat(load.diskBusy()).isCloseTo(0.95, within(1e-12));
        assertThat(load.netUtilisation()).isCloseTo(0.25, within(1e-12));
    }
}
