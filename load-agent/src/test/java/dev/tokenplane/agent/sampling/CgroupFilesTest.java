package dev.tokenplane.agent.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CgroupFilesTest {

    @Test
    void shouldReadAQuotaInCores() {
        assertThat(CgroupFiles.cpuMaxCores("150000 100000\n")).hasValue(1.5);
        assertThat(CgroupFiles.cpuMaxCores("50000 100000")).hasValue(0.5);
    }

    @Test
    void shouldReadNoQuotaAsUnlimited() {
        assertThat(CgroupFiles.cpuMaxCores("max 100000\n")).isEmpty();
        assertThat(CgroupFiles.cpuMaxCores("garbage")).isEmpty();
    }

    @Test
    void shouldReadSingleValuesAndMax() {
        assertThat(CgroupFiles.singleValue("1073741824\n")).hasValue(1L << 30);
        assertThat(CgroupFiles.singleValue("max\n")).isEmpty();
    }

    @Test
    void shouldReadFlatKeyedFiles() {
        String cpuStat = "usage_usec 171891514\nuser_usec 140642834\nsystem_usec 31248680\nnr_periods 0\n";

        assertThat(CgroupFiles.flatKeyed(cpuStat))
                .containsEntry("usage_usec", 171_891_514L)
                .hasSize(4);
    }

    @Test
    void shouldFindTheUnifiedPathAmongV1Lines() {
        String hybrid = "4:memory:/process_api/b1a1\n1:cpu:/\n0::/kubepods/pod1/ctr\n";

        assertThat(CgroupFiles.unifiedPath(hybrid)).contains("/kubepods/pod1/ctr");
        assertThat(CgroupFiles.unifiedPath("4:memory:/x\n1:cpu:/\n")).isEmpty();
    }

    @Test
    void shouldFindTheCgroup2Mount() {
        String mountinfo = """
                31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
                32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 - cgroup2 cgroup2 rw
                """;

        assertThat(CgroupFiles.cgroup2Mount(mountinfo))
                .hasValueSatisfying(m -> assertThat(m).containsExactly("/", "/sys/fs/cgroup/unified"));
    }

    @Test
    void shouldUnescapeSpacesInMountPoints() {
        String mountinfo = "41 31 0:38 / /mnt/my\\040cgroup rw - cgroup2 cgroup2 rw\n";

        assertThat(CgroupFiles.cgroup2Mount(mountinfo))
                .hasValueSatisfying(m -> assertThat(m[1]).isEqualTo("/mnt/my cgroup"));
    }
}
