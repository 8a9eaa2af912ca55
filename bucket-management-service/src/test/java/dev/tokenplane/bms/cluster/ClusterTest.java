package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two, then three BMS members in this JVM (separate Vert.x and Hazelcast instances): any member answers any request,
 * requests spread over the members obey one bucket, configuration written on one member is served by all, and the
 * loss of a member loses no rule or override.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(3);
        cluster.start(0);
        cluster.start(1);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static List<Api> apis(int n) {
        List<Api> apis = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            apis.add(cluster.api(i));
        }
        return apis;
    }

    /** Acquires one token {@code times} times, round-robin over {@code apis}; returns how many were granted. */
    static int spread(List<Api> apis, String key, int times) {
        int granted = 0;
        for (int i = 0; i < times; i++) {
            JsonNode d = apis.get(i % apis.size())
                    .post("/v1/buckets/" + key + "/acquire", "{}")
                    .json();
            if (d.get("granted").asBoolean()) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    @Order(1)
    void shouldServeOneBucketFromTwoMembers() {
        List<Api> apis = apis(2);
        assertThat(apis.get(0)
                        .put("/v1/rules/cl", Map.of("match", "cl:*", "capacity", 20, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(201);
        Await.until(() -> apis.get(1).get("/v1/rules/cl").status() == 200);
        assertThat(apis.get(1)
                        .getAnonymous("/health/ready")
                        .json()
                        .get("members")
                        .asInt())
                .isEqualTo(2);

        // 60 requests alternating between the members take exactly the bucket's 20 tokens
        assertThat(spread(apis, "cl:two", 60)).isEqualTo(20);
        assertThat(apis.get(1).get("/v1/buckets/cl:two").json().get("tokens").asLong())
                .isZero();
    }

    @Test
    @Order(2)
    void shouldServeOneBucketFromThreeMembersAndApplyChangesFromAnyMember() throws Exception {
        cluster.start(2);
        List<Api> apis = apis(3);
        Await.until(() -> apis.get(2).get("/v1/rules/cl").status() == 200);
        assertThat(apis.get(2)
                        .getAnonymous("/health/ready")
                        .json()
                        .get("members")
                        .asInt())
                .isEqualTo(3);

        // Spread requests over three members: one bucket
        assertThat(spread(apis, "cl:three", 90)).isEqualTo(20);

        // An override written on member 2 governs decisions on members 0 and 1
        assertThat(apis.get(2)
                        .put("/v1/buckets/cl:pinned/override", Map.of("capacity", 7, "refillPerSecond", 0.001))
                        .status())
                .isEqualTo(201);
        Await.until(() -> cluster.node(0).overrides().stored("cl:pinned") != null
                && cluster.node(1).overrides().stored("cl:pinned") != null);
        assertThat(spread(apis, "cl:pinned", 30)).isEqualTo(7);

        // A rule deleted on member 1 stops serving its keys on every member
        apis.get(1).put("/v1/rules/cl-del", Map.of("match", "cldel:*", "capacity", 5, "refillPerSecond", 1));
        Await.until(() -> apis.get(0).get("/v1/rules/cl-del").status() == 200
                && apis.get(2).get("/v1/rules/cl-del").status() == 200);
        assertThat(apis.get(1).delete("/v1/rules/cl-del").status()).isEqualTo(204);
        Await.until(() -> apis.stream()
                .allMatch(a -> a.post("/v1/buckets/cldel:x/acquire", "{}").status() == 404));
    }

    @Test
    @Order(3)
    void shouldKeepRulesOverridesAndBucketsWhenAMemberIsLost() {
        List<Api> apis = apis(3);
        apis.get(0).put("/v1/rules/cl-lost", Map.of("match", "cllost:*", "capacity", 10, "refillPerSecond", 0.001));
        apis.get(0).put("/v1/buckets/cllost:pinned/override", Map.of("capacity", 4, "refillPerSecond", 0.001));
        Await.until(() -> cluster.node(2).rules().get("cl-lost") != null
                && cluster.node(2).overrides().stored("cllost:pinned") != null);
        assertThat(spread(apis, "cllost:a", 6)).isEqualTo(6);

        // When member 0 is lost without a goodbye (its Hazelcast member is terminated), once every backup is in sync
        // (Hazelcast promises no loss of a member only for a "safe" cluster: no migration after the third join left)
        cluster.awaitClusterSafe();
        cluster.node(0).hazelcast().getLifecycleService().terminate();
        Await.until(() -> cluster.node(1).hazelcast().getCluster().getMembers().size() == 2);

        // Then the others still have the rule, the override and the bucket's state (from the backups)
        List<Api> rest = List.of(cluster.api(1), cluster.api(2));
        assertThat(rest.get(0).get("/v1/rules/cl-lost").status()).isEqualTo(200);
        assertThat(spread(rest, "cllost:a", 10)).isEqualTo(4);
        assertThat(spread(rest, "cllost:pinned", 10)).isEqualTo(4);
    }
}
