package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Promotion, lease sizing, local grants, expiry and demotion on a fake clock (times are plain millis). */
class HotKeyLeaseTest {

    private static final HotKeyPolicy POLICY = new HotKeyPolicy(1_000, 500, 100, 100, 0.25);

    @Test
    void aColdKeyAsksTheOwnerEveryTimeAndLeasesNothing() {
        HotKeyLease lease = new HotKeyLease(POLICY);
        for (long t = 0; t < 1_000; t += 10) { // 100 requests/s
            assertThat(lease.tryLocal(1, t)).isFalse();
            assertThat(lease.leaseWanted(1_000_000, t)).isZero();
        }
        assertThat(lease.isHot()).isFalse();
    }

    @Test
    void aHotKeyLeasesAboutALeaseOfItsTrafficAndServesFromIt() {
        HotKeyLease lease = new HotKeyLease(POLICY);
        for (int i = 0; i < 200; i++) { // 200 requests in the first 100 ms: 2,000/s
            lease.tryLocal(1, i / 2);
        }
        long t = 100;
        assertThat(lease.tryLocal(1, t)).isFalse(); // the window closes here: hot, but no lease yet
        assertThat(lease.isHot()).isTrue();
        long wanted = lease.leaseWanted(1_000_000, t);
        assertThat(wanted).isEqualTo(200); // 2,000/s for 100 ms
        lease.leased(wanted, t);
        for (int i = 0; i < 200; i++) {
            assertThat(lease.tryLocal(1, t + i / 4)).isTrue();
        }
        assertThat(lease.tryLocal(1, t + 50))
                .as("an empty lease sends the request to the owner")
                .isFalse();
    }

    @Test
    void theLeaseIsCappedByTheShareOfCapacity() {
        HotKeyLease lease = hot();
        assertThat(lease.leaseWanted(40, 100)).isEqualTo(10);
        assertThat(lease.leaseWanted(2, 100)).isEqualTo(1);
    }

    @Test
    void anEndedLeaseReturnsWhatIsUnusedAndServesNothingMore() {
        HotKeyLease lease = hot();
        lease.leased(50, 100);
        assertThat(lease.tryLocal(10, 150)).isTrue();
        assertThat(lease.expire(199)).isZero();
        assertThat(lease.tryLocal(1, 200)).as("past its end").isFalse();
        assertThat(lease.expire(200)).isEqualTo(40);
        assertThat(lease.held()).isZero();
    }

    @Test
    void aKeyThatCoolsDownIsDemotedAndGivesItsLeaseBack() {
        HotKeyLease lease = hot();
        lease.leased(30, 100);
        lease.tryLocal(1, 150);
        assertThat(lease.expire(260)).isEqualTo(29); // 2 requests in 160 ms: cold
        assertThat(lease.isHot()).isFalse();
        assertThat(lease.leaseWanted(1_000, 260)).isZero();
    }

    @Test
    void aTopUpRunsTheLeaseOnSoAHotKeyHasNoGapAtTheLeasesEnd() {
        HotKeyLease lease = hot();
        lease.leased(200, 100); // ends at 200 unless topped up
        for (int i = 0; i < 160; i++) { // 2,000/s: 160 tokens by 180 ms, less than half the lease's time left
            assertThat(lease.tryLocal(1, 100 + i / 2)).isTrue();
        }
        long topUp = lease.refreshWanted(1_000_000, 180);
        assertThat(topUp)
                .as("low, late in the lease: a top-up back to its size")
                .isEqualTo(160);
        lease.leased(topUp, 180);
        assertThat(lease.refreshWanted(1_000_000, 181)).as("full again").isZero();
        assertThat(lease.expire(250))
                .as("past the first end, the lease runs on")
                .isZero();
        assertThat(lease.tryLocal(1, 250)).isTrue();
        assertThat(lease.tryLocal(1, 280)).as("until 100 ms after the top-up").isFalse();
        assertThat(lease.expire(280)).isEqualTo(199);
    }

    @Test
    void coversSaysWhetherTheLeaseCouldServeWithoutCountingOrTaking() {
        HotKeyLease lease = hot();
        lease.leased(5, 100);
        assertThat(lease.covers(5, 150)).isTrue();
        assertThat(lease.covers(6, 150)).isFalse();
        assertThat(lease.covers(1, 200)).as("past its end").isFalse();
        assertThat(lease.held()).isEqualTo(5);
    }

    /** 2,000 requests/s over the first window: hot from 100 ms. */
    private static HotKeyLease hot() {
        HotKeyLease lease = new HotKeyLease(POLICY);
        for (int i = 0; i < 200; i++) {
            lease.tryLocal(1, i / 2);
        }
        lease.tryLocal(1, 100);
        assertThat(lease.isHot()).isTrue();
        return lease;
    }
}
