package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestCluster;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every kind of BMS traffic between two members, under the members' Java serialization filter: the configuration
 * writes, agent reports, resize histories and bucket listings that a member sends to the owner of a key (and to its
 * backup) travel as {@code IdentifiedDataSerializable}, arrive intact and give the same answer on both members. The
 * keys are chosen so that half of them belong to the other member.
 */
class MemberTrafficTest {
    static TestCluster cluster;
    static Api sender;
    static Api other;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(2);
        cluster.start(0);
        cluster.start(1);
        sender = cluster.api(1);
        other = cluster.api(0);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldRunWithTheFilterOnEveryMember() {
        for (int i = 0; i < 2; i++) {
            HazelcastInstance member = cluster.node(i).hazelcast();
            assertThat(member.getConfig().getSerializationConfig().getJavaSerializationFilterConfig())
                    .isNotNull();
            assertThat(member.getCluster().getMembers()).hasSize(2);
        }
    }

    @Test
    void shouldWriteReplaceAndDeleteConfigurationThroughEitherMember() {
        List<String> ids = keysOnBothMembers("mt-rule-");
        for (String id : ids) {
            assertThat(sender.put("/v1/rules/" + id, rule(id, 10)).status()).isEqualTo(201);
            assertThat(sender.put("/v1/rules/" + id, rule(id, 20)).status()).isEqualTo(200);
        }
        for (String id : ids) {
            JsonNode served = other.get("/v1/rules/" + id).json();
            assertThat(served.get("capacity").asLong()).as(id).isEqualTo(20);
            assertThat(served.get("version").asLong()).as(id).isEqualTo(2);
        }
        String gone = ids.get(0);
        assertThat(sender.delete("/v1/rules/" + gone).status()).isEqualTo(204);
        assertThat(other.get("/v1/rules/" + gone).status()).isEqualTo(404);
    }

    @Test
    void shouldKeepTheAgentReportsSentThroughEitherMember() {
        List<String> servers = keysOnBothMembers("mt-server-");
        for (String server : servers) {
            for (double cpu : new double[] {0.1, 0.2, 0.3}) {
                assertThat(sender.post("/v1/agents/" + server + "/reports", report(cpu))
                                .status())
                        .isEqualTo(202);
            }
        }
        for (String server : servers) {
            JsonNode agent = agent(other, server);
            assertThat(agent).as(server).isNotNull();
            assertThat(agent.get("latest").get("cpu").asDouble()).isEqualTo(0.3);
            assertThat(agent.get("reports")).hasSize(3);
        }
    }

    @Test
    void shouldRecordResizesOnTheOwnersAndShowThemOnEitherMember() throws Exception {
        Map<String, ResizeHistory.Resize> resizes = new HashMap<>();
        for (String key : keysOnBothMembers("mt:history:")) {
            resizes.put(key, new ResizeHistory.Resize(1_000, 30, 3.0, "grow: " + key));
        }
        cluster.node(1).history().recordAll(resizes).toCompletableFuture().get();

        for (String key : resizes.keySet()) {
            ResizeHistory.History history = cluster.node(0)
                    .history()
                    .get(key)
                    .toCompletableFuture()
                    .get()
                    .orElseThrow();
            assertThat(history.history()).containsExactly(resizes.get(key));
        }
    }

    @Test
    void shouldListTheBucketsOfBothMembersPageByPage() {
        List<String> keys = keysOnBothMembers("mt:list:");
        assertThat(other.put("/v1/rules/mt-list", Map.of("match", "mt:list:*", "capacity", 5, "refillPerSecond", 1))
                        .status())
                .isEqualTo(201);
        keys.forEach(key -> assertThat(
                        other.post("/v1/buckets/" + key + "/acquire", "{}").status())
                .isEqualTo(200));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = sender.get(
                            "/v1/buckets?prefix=mt:list:&limit=3" + (cursor == null ? "" : "&cursor=" + cursor))
                    .json();
            page.get("buckets").forEach(b -> seen.add(b.get("key").asText()));
            cursor = page.get("nextCursor").isNull()
                    ? null
                    : page.get("nextCursor").asText();
        } while (cursor != null && seen.size() <= keys.size());

        assertThat(seen).containsExactlyElementsOf(keys.stream().sorted().toList());
    }

    /** Eight keys with {@code prefix}, four owned by each member. */
    private static List<String> keysOnBothMembers(String prefix) {
        HazelcastInstance first = cluster.node(0).hazelcast();
        List<String> mine = new ArrayList<>();
        List<String> theirs = new ArrayList<>();
        IntStream.range(0, 1000).mapToObj(i -> prefix + i).forEach(key -> {
            boolean local =
                    first.getPartitionService().getPartition(key).getOwner().localMember();
            List<String> side = local ? mine : theirs;
            if (side.size() < 4) {
                side.add(key);
            }
        });
        List<String> keys = new ArrayList<>(mine);
        keys.addAll(theirs);
        assertThat(keys).hasSize(8);
        return keys;
    }

    private static Map<String, Object> report(double cpu) {
        return Map.of(
                "timestamp",
                System.currentTimeMillis(),
                "cpu",
                cpu,
                "memory",
                0.5,
                "loadPerCore",
                0.7,
                "requestsPerSecond",
                10.0,
                "latencyP50Ms",
                3.5,
                "latencyP99Ms",
                40);
    }

    private static Map<String, Object> rule(String id, int capacity) {
        return Map.of("match", id + ":*", "capacity", capacity, "refillPerSecond", 1);
    }

    private static JsonNode agent(Api api, String serverId) {
        for (JsonNode a : api.get("/v1/agents?limit=1000").json().get("agents")) {
            if (a.get("serverId").asText().equals(serverId)) {
                return a;
            }
        }
        return null;
    }
}
