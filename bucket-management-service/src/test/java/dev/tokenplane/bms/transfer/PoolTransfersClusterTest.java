package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.transfer.Pools.CAPACITY;
import static dev.tokenplane.bms.transfer.Pools.REFILL_PER_SECOND;
import static dev.tokenplane.bms.transfer.Pools.acquire;
import static dev.tokenplane.bms.transfer.Pools.awaitView;
import static dev.tokenplane.bms.transfer.Pools.hammer;
import static dev.tokenplane.bms.transfer.Pools.pool;
import static dev.tokenplane.bms.transfer.Pools.rule;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsOptions;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.CountingStore;
import dev.tokenplane.bms.support.TestCluster;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transfer protocol on a cluster of 3 members (one JVM, the wall clock): decisions for the same pool arrive at every
 * member, each lending out of its share of the pool, one member rebalancing it on each tick.
 */
class PoolTransfersClusterTest {
    private static final CountingStore[] STORES = new CountingStore[3];
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(3);
        for (int i = 0; i < 3; i++) {
            cluster.settings(i).with("BMS_SIZING_INTERVAL_MS", "100");
        }
        startAll();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static List<Api> startAll() throws Exception {
        List<Api> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int member = i;
            cluster.start(
                    i,
                    BmsOptions.CORE.withTransfer(Pools.OPTIONS).withStore(s -> STORES[member] = new CountingStore(s)));
            members.add(cluster.api(i));
        }
        return members;
    }

    private static List<Api> members() {
        return List.of(cluster.api(0), cluster.api(1), cluster.api(2));
    }

    @Test
    void shouldKeepThePoolsInvariantsWhenEveryMemberLends() {
        // Given 3 members with the transfer protocol, and a pool of two buckets seen by every member's tick
        List<Api> members = members();
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

    @Test
    void shouldStopLendingOnEveryMemberAndKeepThePoolSettingsOverAWholeClusterRestart() throws Exception {
        // Given a pool whose hammered bucket borrows through every member
        List<Api> members = members();
        rule(members.get(0), "c3off");
        members.forEach(m -> Await.until(() -> m.get("/v1/rules/c3off").status() == 200));
        acquire(members.get(0), "c3off:idle");
        acquire(members.get(1), "c3off:hot");
        members.forEach(m -> awaitView(m, "c3off"));
        assertThat(Pools.hammerWhile(members, "c3off:hot", 200, h -> h.borrowed() == 0)
                        .borrowed())
                .isPositive();

        // When lending is switched off for the pool on one member
        assertThat(members.get(0)
                        .put(
                                "/v1/pools/c3off/settings",
                                Map.of("canLend", false, "borrowBudget", Map.of("timeBudgetMs", 40)))
                        .status())
                .isEqualTo(201);

        // Then every member has it (through the replicated settings), and none lends any more
        members.forEach(m -> Await.until(() -> !pool(m, "c3off").get("settings").isNull()));
        for (Api m : members) {
            JsonNode view = pool(m, "c3off");
            assertThat(view.get("settings").get("canLend").asBoolean()).isFalse();
            assertThat(view.get("settings")
                            .get("borrowBudget")
                            .get("timeBudgetMs")
                            .asDouble())
                    .isEqualTo(40);
            assertThat(Pools.member(view, "c3off:idle").get("canLend").asBoolean())
                    .isFalse();
        }
        // a top-up the coordinator's tick planned before the switch may still be on its way
        Pools.awaitQuiet(
                () -> Arrays.stream(STORES).mapToLong(c -> c.steps.get()).sum());
        assertThat(hammer(members, "c3off:hot", 30).borrowed()).isZero();

        // And after every member stops and starts again, the setting is back from their disks
        for (int i = 0; i < 3; i++) {
            cluster.stop(i);
        }
        for (Api m : startAll()) {
            JsonNode settings = pool(m, "c3off").get("settings");
            assertThat(settings.get("canLend").asBoolean()).isFalse();
            assertThat(settings.get("borrowBudget").get("timeBudgetMs").asDouble())
                    .isEqualTo(40);
            assertThat(settings.get("version").asLong()).isEqualTo(1);
        }
    }
}
