package dev.tokenplane.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.agent.core.IoCounters;
import dev.tokenplane.agent.core.NameFilter;
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

        assertThat(counters).containsEntry("vda", new IoCounters(2_641_922L * 512, 525_664L * 512))
                .containsEntry("vda1", new IoCounters(2_600_000L * 512, 525_000L * 512))
                .containsEntry("loop0", new IoCounters(0, 0));
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

        assertThat(counters).containsEntry("lo", new IoCounters(1_131_260, 1_131_260))
                // a 64-bit counter near its top reads as unsigned
                .containsEntry("eth0", new IoCounters(Long.parseUnsignedLong("18446744073709551610"), 5_306))
                .hasSize(2);
    }

    @Test
    void shouldMatchWhatOshiReadsForTheSameDevices() {
        // The fast path must give OSHI's numbers: read OSHI before and after, the procfs value lies between
        OshiSystemSource source = new OshiSystemSource(NameFilter.ALL, true, NameFilter.ALL, Optional.empty(),
                System::nanoTime);
        var hardware = new SystemInfo().getHardware();
        for (HWDiskStore disk : hardware.getDiskStores()) {
            disk.updateAttributes();
            long readBefore = disk.getReadBytes();
            IoCounters fast = source.read().disks().get(OshiSystemSource.shortName(disk.getName()));
            disk.updateAttributes();
            assertThat(fast).as(disk.getName()).isNotNull();
            assertThat(fast.inBytes()).as(disk.getName()).isBetween(readBefore, disk.getReadBytes());
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
