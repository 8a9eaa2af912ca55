package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestCluster;
import dev.tokenplane.bms.support.TestSettings;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A member that sees fewer than a majority of {@code BMS_EXPECTED_MEMBERS} (the minority side of a partition; here a
 * member of an expected 3 that is alone) refuses configuration writes with 503 {@code unavailable}, while it still
 * answers decisions from the rules it has.
 */
class SplitBrainProtectionTest {

    private static final String ADMIN = "split-brain-admin-token-0001";
    private static final Map<String, Object> RULE = Map.of("match", "quorum:*", "capacity", 5, "refillPerSecond", 1);

    @Test
    void shouldRefuseConfigurationWritesOnAMinoritySide() throws Exception {
        try (BmsNode alone = BmsNode.start(TestSettings.member()
                .with("BMS_ADMIN_TOKEN", ADMIN)
                .with("BMS_EXPECTED_MEMBERS", "3")
                .build())) {
            Api api = new Api(alone.url(), ADMIN);

            Api.Response write = api.put("/v1/rules/quorum", RULE);

            assertThat(write.status()).as("%s", write).isEqualTo(503);
            assertThat(write.json().get("error").asText()).isEqualTo("unavailable");
            assertThat(api.get("/v1/rules/quorum").status()).isEqualTo(404);
        }
    }

    @Test
    void shouldAcceptWritesWithoutAnExpectedClusterSize() throws Exception {
        try (BmsNode alone = BmsNode.start(
                TestSettings.member().with("BMS_ADMIN_TOKEN", ADMIN).build())) {
            assertThat(new Api(alone.url(), ADMIN).put("/v1/rules/quorum", RULE).status())
                    .isIn(200, 201);
        }
    }

    /**
     * A cold restart: a member that starts alone with records on its disk cannot merge them into the cluster (a write)
     * until it sees a majority. It waits for one instead of failing to start (the chaos suite saw restarts fail so).
     */
    @Test
    void shouldWaitForAMajorityBeforeMergingItsDiskAtStart() throws Exception {
        try (TestCluster cluster = new TestCluster(3)) {
            for (int i = 0; i < 3; i++) {
                cluster.settings(i).with("BMS_EXPECTED_MEMBERS", "3");
            }
            cluster.start(0);
            cluster.start(1);
            assertThat(cluster.api(0).put("/v1/rules/quorum", RULE).status()).isIn(200, 201);
            cluster.stop(0);
            cluster.stop(1);

            CompletableFuture<BmsNode> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return cluster.start(0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            cluster.start(1);

            first.get(120, TimeUnit.SECONDS);
            assertThat(cluster.api(0).get("/v1/rules/quorum").status()).isEqualTo(200);
            assertThat(cluster.api(1).get("/v1/rules/quorum").status()).isEqualTo(200);
        }
    }
}
