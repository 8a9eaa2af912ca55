package dev.tokenplane.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.core.CpuReading;
import dev.tokenplane.agent.core.NameFilter;
import dev.tokenplane.agent.core.SystemLoad;
import dev.tokenplane.agent.core.SystemReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cgroup v2 reader on a cgroup tree written by the test, shaped like a Kubernetes pod's. */
class CgroupV2Test {

    private static final long MIB = 1L << 20;

    @TempDir
    Path mount;

    private Path pod;
    private Path container;

    @BeforeEach
    void writeTree() throws IOException {
        // kubepods: 2 cores, 4 GiB; pod: 0.5 cores, no memory limit; container: no quota, 1 GiB
        Path kubepods = Files.createDirectories(mount.resolve("kubepods"));
        pod = Files.createDirectories(kubepods.resolve("pod1"));
        container = Files.createDirectories(pod.resolve("ctr"));
        write(kubepods, "cpu.max", "200000 100000\n");
        write(kubepods, "memory.max", Long.toString(4096 * MIB));
        write(kubepods, "cpu.stat", "usage_usec 99999999\n");
        write(pod, "cpu.max", "50000 100000\n");
        write(pod, "memory.max", "max\n");
        write(pod, "cpu.stat", "usage_usec 1000000\nuser_usec 800000\nsystem_usec 200000\n");
        write(container, "cpu.max", "max 100000\n");
        write(container, "memory.max", Long.toString(1024 * MIB) + "\n");
        write(container, "memory.current", Long.toString(600 * MIB) + "\n");
        write(container, "memory.stat", "anon 400000000\ninactive_file " + (100 * MIB) + "\nactive_file 5\n");
    }

    @Test
    void shouldTakeTheTightestLimitsOnThePathToTheMount() {
        CgroupV2.Limits limits = new CgroupV2(container, mount).read();

        assertThat(limits.cpuLimitCores()).hasValue(0.5);
        assertThat(limits.cpuUsageMicros()).hasValue(1_000_000L);
        assertThat(limits.memoryLimitBytes()).hasValue(1024 * MIB);
        assertThat(limits.memoryWorkingBytes()).hasValue(500 * MIB);
    }

    @Test
    void shouldReadNoLimitsWhereNoneAreSet() throws IOException {
        Path free = Files.createDirectories(mount.resolve("free"));

        CgroupV2.Limits limits = new CgroupV2(free, free).read();

        assertThat(limits.cpuLimitCores()).isEmpty();
        assertThat(limits.memoryLimitBytes()).isEmpty();
    }

    @Test
    void shouldFindItsDirectoryFromProcFiles() throws IOException {
        Path procCgroup = write(mount, "proc-cgroup", "4:memory:/x\n0::/kubepods/pod1/ctr\n");
        Path mountinfo = write(mount, "mountinfo", "41 31 0:38 / " + mount + " rw,relatime - cgroup2 cgroup2 rw\n");

        Optional<CgroupV2> cgroup = CgroupV2.detect(procCgroup, mountinfo);

        assertThat(cgroup)
                .map(CgroupV2::directory)
                .contains(container.toAbsolutePath().normalize());
    }

    @Test
    void shouldFindNothingOnAV1OnlyMachine() throws IOException {
        Path procCgroup = write(mount, "proc-cgroup", "4:memory:/x\n1:cpu:/\n");
        Path mountinfo = write(mount, "mountinfo", "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n");

        assertThat(CgroupV2.detect(procCgroup, mountinfo)).isEmpty();
    }

    @Test
    void shouldReportContainerCpuAndMemoryThroughTheOshiSource() throws IOException {
        // Given the sampler reads this cgroup, with a fake monotonic clock
        AtomicLong nanos = new AtomicLong(0);
        OshiSystemSource source = new OshiSystemSource(
                NameFilter.ALL, false, NameFilter.ALL, Optional.of(new CgroupV2(container, mount)), nanos::get, 0);
        SystemReading first = source.read();

        // When the pod uses 250 ms of CPU in one second
        write(pod, "cpu.stat", "usage_usec 1250000\n");
        nanos.set(1_000_000_000L);
        SystemReading second = source.read();

        // Then CPU is against the 0.5-core quota and memory against the container's 1 GiB
        assertThat(second.cpu()).isInstanceOf(CpuReading.CgroupUsage.class);
        SystemLoad load = SystemLoad.between(first, second).orElseThrow();
        assertThat(load.cpu()).isCloseTo(0.5, within(1e-9));
        assertThat(load.memory()).isCloseTo(500.0 / 1024.0, within(1e-9));
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }
}
