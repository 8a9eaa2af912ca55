package dev.tokenplane.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.core.IoCounters;
import dev.tokenplane.agent.core.IoPressure;
import dev.tokenplane.agent.core.NameFilter;
import dev.tokenplane.agent.core.SystemReading;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import oshi.SystemInfo;
import oshi.hardware.HWDiskStore;
import oshi.hardware.NetworkIF;

class ProcfsCountersTest {

    @Test
    void shouldReadSectorsOfEveryDiskAsBytes() {
        String diskstats = """
                   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
                 254       0 vda 30113 7042 2641922 34053 2748 6886 525664 1481 0 4000 35759 3405 42 46936 221 75 2
                 254       1 vda1 29000 7000 2600000 34000 2700 6800 525000 1400 0 3900 35700
                """;

        Map<String, IoCounters> counters = ProcfsCounters.diskstats(diskstats);

        assertThat(counters)
                .containsEntry("vda", new IoCounters(2_641_922L * 512, 525_664L * 512))
                .containsEntry("vda1", new IoCounters(2_600_000L * 512, 525_000L * 512))
                .containsEntry("loop0", new IoCounters(0, 0));
    }

    @Test
    void shouldReadTheBusyMillisecondsOfEveryDisk() {
        // field 13 is io_ticks; kernels before 4.18 print 14 fields, later ones 18 or 20
        String diskstats = """
                 254       0 vda 30113 7042 2641922 34053 2748 6886 525664 1481 0 4000 35759 3405 42 46936 221 75 2
                   8       0 sda 100 0 800 50 10 0 80 5 1 96000 55
                   7       0 loop0 0 0 0 0 0 0 0 0 0
                """;

        assertThat(ProcfsCounters.diskBusyMillis(diskstats))
                .containsEntry("vda", 4_000L)
                .containsEntry("sda", 96_000L)
                .doesNotContainKey("loop0");
    }

    @Test
    void shouldTurnTwoDiskstatsSnapshotsIntoTheBusyShareOfTheBusiestDisk() {
        // Given two snapshots 2 s apart: vda busy for 1900 ms of them, vdb for 100 ms
        String before = """
                 254       0 vda 100 0 800 50 10 0 80 5 0 4000 55
                 254      16 vdb 100 0 800 50 10 0 80 5 0 7000 55
                """;
        String after = """
                 254       0 vda 900 0 8800 950 10 0 80 5 3 5900 955
                 254      16 vdb 110 0 880 55 10 0 80 5 0 7100 60
                """;

        double busy = IoPressure.diskBusy(
                ProcfsCounters.diskBusyMillis(before), ProcfsCounters.diskBusyMillis(after), 2_000_000_000L);

        assertThat(busy).isEqualTo(0.95);
    }

    @Test
    void shouldReadBytesOfEveryInterface() {
        String netDev = """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 1131260    9531    0    0    0     0          0         0  1131260    9531    0    0    0     0       0          0
                  eth0:18446744073709551610 98  0    0    0     0          0         0     5306      63    0    0    0     0       0          0
                """;

        Map<String, IoCounters> counters = ProcfsCounters.netDev(netDev);

        assertThat(counters)
                .containsEntry("lo", new IoCounters(1_131_260, 1_131_260))
                // a 64-bit counter near its top reads as unsigned
                .containsEntry("eth0", new IoCounters(Long.parseUnsignedLong("18446744073709551610"), 5_306))
                .hasSize(2);
    }

    @Test
    void shouldMatchWhatOshiReadsForTheSameDevices() {
        // The fast path must give OSHI's numbers: read OSHI before and after, the procfs value lies between
        OshiSystemSource source =
                new OshiSystemSource(NameFilter.ALL, true, NameFilter.ALL, Optional.empty(), System::nanoTime, 0);
        var hardware = new SystemInfo().getHardware();
        for (HWDiskStore disk : hardware.getDiskStores()) {
            disk.updateAttributes();
            long readBefore = disk.getReadBytes();
            long busyBefore = disk.getTransferTime();
            SystemReading reading = source.read();
            IoCounters fast = reading.disks().get(OshiSystemSource.shortName(disk.getName()));
            Long busy = reading.diskBusyMillis().get(OshiSystemSource.shortName(disk.getName()));
            disk.updateAttributes();
            assertThat(fast).as(disk.getName()).isNotNull();
            assertThat(fast.inBytes()).as(disk.getName()).isBetween(readBefore, disk.getReadBytes());
            // io_ticks is OSHI's transfer time
            assertThat(busy).as(disk.getName()).isBetween(busyBefore, disk.getTransferTime());
        }
        for (NetworkIF nif : hardware.getNetworkIFs(true)) {
            nif.updateAttributes();
            long sentBefore = nif.getBytesSent();
            IoCounters fast = source.read().network().get(nif.getName());
            nif.updateAttributes();
            assertThat(fast).as(nif.getName()).isNotNull();
            assertThat(fast.outBytes()).as(nif.getName()).isBetween(sentBefore, nif.getBytesSent());
        }
    }
}
