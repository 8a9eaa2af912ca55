package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.DataMemberProcess;
import dev.tokenplane.bms.support.TestSettings;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code BMS_HAZELCAST_MODE=client}: BMS processes are Hazelcast clients of a data member running in a JVM of its own
 * ({@code DataMemberMain}); the buckets and the configuration live there, so two BMS clients share them, and a BMS
 * restarted with an empty data directory finds them again. (The API suites run in client mode too: the surefire
 * execution {@code client-mode}.)
 */
class ClientModeTest {
    private static TestSettings cluster;
    private static DataMemberProcess dataMember;

    @BeforeAll
    static void startDataMember() throws IOException {
        cluster = TestSettings.member();
        dataMember = DataMemberProcess.start(cluster);
    }

    @AfterAll
    static void stopDataMember() {
        if (dataMember != null) {
            dataMember.close();
        }
    }

    /** A BMS in client mode with the data member's cluster name and secret, a data directory of its own. */
    private static BmsNode client() throws Exception {
        return BmsNode.start(TestSettings.member(cluster.get("BMS_CLUSTER_NAME"))
                .with("BMS_CLUSTER_SECRET", cluster.get("BMS_CLUSTER_SECRET"))
                .with("BMS_ADMIN_TOKEN", "admin-token-of-client-mode-test")
                .with("BMS_HAZELCAST_MODE", "client")
                .with("BMS_CLUSTER_MEMBERS", dataMember.clientAddress())
                .build());
    }

    @Test
    void shouldKeepBucketsAndRulesInTheDataTierSharedByItsClients() throws Exception {
        try (BmsNode first = client();
                BmsNode second = client()) {
            assertThat(DataTier.isClient(first.hazelcast())).isTrue();
            Api a = new Api(first.url(), first.adminToken());
            Api b = new Api(second.url(), second.adminToken());
            assertThat(a.put("/v1/rules/cm-two", Map.of("match", "cm:*", "capacity", 2, "refillPerSecond", 0.001))
                            .status())
                    .isIn(200, 201);
            dev.tokenplane.bms.support.Await.until(
                    () -> b.get("/v1/rules/cm-two").status() == 200);

            // two grants through one client, the bucket's last token gone through the other
            assertThat(granted(a.post("/v1/buckets/cm:k/acquire", null).json())).isTrue();
            assertThat(granted(b.post("/v1/buckets/cm:k/acquire", null).json())).isTrue();
            assertThat(granted(a.post("/v1/buckets/cm:k/acquire", null).json())).isFalse();
            // the HTTP tier holds no buckets: the decision's state is the data member's
            assertThat(a.metric("bms_buckets")).isZero();
        }
        try (BmsNode restarted = client()) {
            Api c = new Api(restarted.url(), restarted.adminToken());
            JsonNode again = c.post("/v1/buckets/cm:k/acquire", null).json();
            assertThat(granted(again))
                    .as("a new BMS with an empty disk sees the same empty bucket")
                    .isFalse();
            assertThat(again.get("ruleId").asText()).isEqualTo("cm-two");
        }
    }

    private static boolean granted(JsonNode answer) {
        return answer.get("granted").asBoolean();
    }
}
