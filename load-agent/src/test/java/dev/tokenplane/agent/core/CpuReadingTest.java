package dev.tokenplane.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.tokenplane.agent.core.CpuReading.CgroupUsage;
import dev.tokenplane.agent.core.CpuReading.HostTicks;
import org.junit.jupiter.api.Test;

class CpuReadingTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldCountEverythingButIdleAndIowaitAsBusy() {
        HostTicks before = new HostTicks(100, 0, 50, 800, 50, 0, 0, 0);
        // 60 user + 10 system + 10 steal busy; 100 idle + 20 iowait not busy: 80 of 200
        HostTicks after = new HostTicks(160, 0, 60, 900, 70, 0, 0, 10);

        assertThat(after.utilisationSince(before, SECOND)).hasValueCloseTo(0.4, within(1e-12));
    }

    @Test
    void shouldHaveNoUtilisationWhenNoTicksPassed() {
        HostTicks ticks = new HostTicks(1, 2, 3, 4, 5, 6, 7, 8);

        assertThat(ticks.utilisationSince(ticks, SECOND)).isEmpty();
    }

    @Test
    void shouldHaveNoUtilisationWhenCountersWentBack() {
        HostTicks before = new HostTicks(100, 0, 50, 800, 50, 0, 0, 0);
        HostTicks after = new HostTicks(200, 0, 60, 700, 50, 0, 0, 0);

        assertThat(after.utilisationSince(before, SECOND)).isEmpty();
    }

    @Test
    void shouldMeasureCgroupUsageAgainstItsQuota() {
        // Given a quota of half a core, When the cgroup used 250 ms of CPU in 1 s of wall time
        CgroupUsage before = new CgroupUsage(1_000_000, 0.5);
        CgroupUsage after = new CgroupUsage(1_250_000, 0.5);

        // Then it used half of what it may
        assertThat(after.utilisationSince(before, SECOND)).hasValueCloseTo(0.5, within(1e-12));
    }

    @Test
    void shouldClampCgroupUsageOverItsQuota() {
        CgroupUsage before = new CgroupUsage(0, 1.0);
        CgroupUsage after = new CgroupUsage(1_100_000, 1.0);

        assertThat(after.utilisationSince(before, SECOND)).hasValue(1.0);
    }

    @Test
    void shouldNotCompareReadingsOfDifferentSources() {
        HostTicks host = new HostTicks(1, 0, 0, 1, 0, 0, 0, 0);
        CgroupUsage cgroup = new CgroupUsage(5, 1.0);

        assertThat(cgroup.utilisationSince(host, SECOND)).isEmpty();
        assertThat(host.utilisationSince(cgroup, SECOND)).isEmpty();
    }

    @Test
    void shouldRejectANonPositiveCoreLimit() {
        assertThatThrownBy(() -> new CgroupUsage(0, 0.0)).hasMessageContaining("limitCores");
    }
}
