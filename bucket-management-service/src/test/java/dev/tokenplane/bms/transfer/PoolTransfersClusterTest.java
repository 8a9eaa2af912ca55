package dev.tokenplane.bms.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.spi.BmsExtensions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.tokenplane.bms.transfer.Pools.CAPACITY;
import static dev.tokenplane.bms.transfer.Pools.REFILL_PER_SECOND;
import static dev.tokenplane.bms.transfer.Pools.acquire;
import static dev.tokenplane.bms.transfer.Pools.awaitView;
import static dev.tokenplane.bms.transfer.Pools.hammer;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.rule;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transfer protocol on a cluster of 3 members (one JVM, the wall clock): decisions for the same pool arrive at every
 * member, each lending out of its share of the pool, one member rebalancing it on each tick.
 */
class PoolTransfersClusterTest {

    @Test
    void shouldKeepThePoolsInvariantsWhenEveryMemberLends() throws Exception {
        try (TestCluster cluster = new TestCluster(3)) {
            // Given 3 members with the transfer protocol, and a pool of two buckets seen by every member's tick
            List<Api> members = new ArrayList<>();
            BmsExtensions transfers = TransferFeature.install(BmsExtensions.NONE, Pools.OPTIONS);
            for (int i = 0; i < 3; i++) {
                cluster.settings(i).with("BMS_SIZING_INTERVAL_MS", "100");
                cluster.start(i, transfers);
                members.add(cluster.api(i));
            }
            rule(members.get(0), "c3");
            members.forEach(m -> Await.until(() -> m.get("/v1/rules/c3").status() == 200));
            long start = System.currentTimeMillis();
            acquire(members.get(1), "c3:idle");
            acquire(members.get(2), "c3:hot");
            members.forEach(m -> awaitView(m, "c3"));

            // When the hot bucket is hammered through all three members in turn
            Pools.Hammered hot = hammer(members, "c3:hot", 300);
            double refill = REFILL_PER_SECOND * (System.currentTimeMillis() - start) / 1000.0;

            // Then it was granted more than its own capacity plus refill
            int hotGranted = 1 + hot.granted();
            assertThat((double) hotGranted).isGreaterThan(CAPACITY + refill);
            assertThat(hot.borrowed()).isPositive();
            // And the pool never granted more than its two buckets' capacity plus their refill
            assertThat((double) hotGranted + 1).isLessThanOrEqualTo(2 * (CAPACITY + refill));
            // And exactly one member coordinates the pool's rebalance; every member knows both buckets
            int coordinators = 0;
            double lent = 0;
            for (Api m : members) {
                JsonNode pool = pool(m, "c3");
                coordinators += pool.get("coordinator").asBoolean() ? 1 : 0;
                lent += pool.get("lent").asDouble();
                assertThat(pool.get("members")).hasSize(2);
            }
            assertThat(coordinators).isEqualTo(1);
            assertThat(lent).isGreaterThanOrEqualTo(hotGranted - CAPACITY - refill);
        }
    }
}
