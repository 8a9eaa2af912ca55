package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.hazelcast.TestMembers;
import java.io.InputStream;
import java.io.Serializable;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The member port of a running BMS is for members only (issue 11): a Hazelcast client, even one that knows the
 * cluster name, cannot reset a login bucket; a member without the cluster secret forms a cluster of its own; and a
 * member with the secret still cannot make another member deserialize an arbitrary Java object.
 */
class MemberPortTest {
    private static final String ADMIN = "member-port-admin-token-01";
    private static final String BUCKETS = "tp.buckets";

    static TestSettings settings;
    static BmsNode node;
    static Api api;
    private final List<HazelcastInstance> started = new ArrayList<>();

    /** Not a Compact or IdentifiedDataSerializable type: only Java serialization can carry it. */
    record Forged(String payload) implements Serializable {}

    @BeforeAll
    static void start() throws Exception {
        settings = TestSettings.member().with("BMS_ADMIN_TOKEN", ADMIN);
        node = BmsNode.start(settings.build());
        api = new Api(node.url(), ADMIN);
        Api.Response rule = api.put(
                "/v1/rules/login",
                Map.of("match", "login:*", "capacity", 5, "refillPerSecond", 0.0001, "idleTtlSeconds", 3600));
        assertThat(rule.status()).as(rule.toString()).isIn(200, 201);
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.stop();
        }
    }

    @AfterEach
    void stopStarted() {
        started.forEach(h -> h.getLifecycleService().terminate());
    }

    /** The attack of issue 11: spend bob's login attempts, delete his bucket through the member port, log in again. */
    @Test
    void shouldRefuseAHazelcastClientThatKnowsTheClusterName() {
        for (int i = 0; i < 5; i++) {
            assertThat(granted("login:bob")).isTrue();
        }
        assertThat(granted("login:bob")).isFalse();

        String clusterName = node.hazelcast().getConfig().getClusterName();
        ClientConfig client = new ClientConfig().setClusterName(clusterName);
        client.setProperty("hazelcast.logging.type", "slf4j");
        client.getNetworkConfig().addAddress("127.0.0.1:" + settings.hazelcastPort());
        client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5_000);
        Throwable refused = null;
        try {
            HazelcastInstance attacker = HazelcastClient.newHazelcastClient(client);
            started.add(attacker);
            attacker.getMap(BUCKETS).delete("login:bob");
        } catch (IllegalStateException e) {
            refused = e;
        }

        assertThat(granted("login:bob"))
                .as("bob's spent bucket survives the attempt")
                .isFalse();
        assertThat(refused)
                .as("the client could not connect")
                .isNotNull()
                .hasMessageContaining("Unable to connect to any cluster");
    }

    /**
     * Only the member protocol is spoken: an HTTP (REST) or memcache request is answered with Hazelcast's protocol
     * refusal and the connection closes, with no HTTP or memcache answer.
     */
    @Test
    void shouldAnswerNeitherRestNorMemcacheOnTheMemberPort() throws Exception {
        Config config = node.hazelcast().getConfig();
        assertThat(config.getAdvancedNetworkConfig().isEnabled()).isTrue();
        assertThat(config.getAdvancedNetworkConfig().getEndpointConfigs()).containsOnlyKeys(EndpointQualifier.MEMBER);

        for (String request : List.of(
                "GET /hazelcast/rest/maps/tp.buckets/login:bob HTTP/1.1\r\nHost: x\r\n\r\n", "get login:bob\r\n")) {
            String answer = exchange(request);
            assertThat(answer).as("answer to " + request.strip()).doesNotContain("HTTP/", "VALUE", "END");
        }
    }

    /** Sends {@code request} to the member port and reads until the member closes or resets the connection. */
    private static String exchange(String request) throws Exception {
        StringBuilder answer = new StringBuilder();
        try (Socket socket = new Socket("127.0.0.1", settings.hazelcastPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            for (int b = in.read(); b != -1; b = in.read()) {
                answer.append((char) b);
            }
        } catch (java.net.SocketException reset) {
            // the member resets the connection after its refusal
        }
        return answer.toString();
    }

    @Test
    void shouldRefuseMembersWithoutTheClusterSecret() {
        String publicName = settings.get("BMS_CLUSTER_NAME");
        HazelcastInstance plainName = startMember(publicName);
        HazelcastInstance otherSecret =
                startMember(HazelcastMember.clusterName(publicName, "another-secret-0123456789"));

        assertThat(node.hazelcast().getCluster().getMembers()).hasSize(1);
        assertThat(plainName.getCluster().getMembers()).hasSize(1);
        assertThat(otherSecret.getCluster().getMembers()).hasSize(1);
        assertThat(plainName.getMap(BUCKETS).containsKey("login:bob")).isFalse();
    }

    @Test
    void shouldAdmitAMemberWithTheSecretAndRefuseTheJavaObjectsItSends() throws Exception {
        TestSettings peer = TestSettings.member(settings.get("BMS_CLUSTER_NAME"))
                .with("BMS_CLUSTER_MEMBERS", "127.0.0.1:" + settings.hazelcastPort());
        HazelcastInstance member =
                Hazelcast.newHazelcastInstance(HazelcastMember.config(peer.build(), peer.get("BMS_CLUSTER_SECRET")));
        started.add(member);
        Await.until(() -> node.hazelcast().getCluster().getMembers().size() == 2);
        HazelcastInstance bms = node.hazelcast();
        Await.until(() -> bms.getPartitionService().isClusterSafe());
        String key = keyOwnedBy(bms);

        IMap<String, Object> agents = member.getMap(AgentRegistry.MAP);
        agents.set(key, new Forged("a report the BMS never wrote"));
        assertThatThrownBy(() -> bms.getMap(AgentRegistry.MAP).get(key))
                .hasRootCauseInstanceOf(SecurityException.class)
                .rootCause()
                .hasMessageContaining(Forged.class.getName());

        EntryProcessor<String, Object, Object> lambda = entry -> entry.setValue("rewritten by a lambda");
        assertThatThrownBy(() -> agents.executeOnKey(key, lambda))
                .hasRootCauseInstanceOf(SecurityException.class)
                .rootCause()
                .hasMessageContaining("SerializedLambda");
    }

    /** A plain member on loopback that tries to join the BMS member through tcp-ip, under {@code clusterName}. */
    private HazelcastInstance startMember(String clusterName) {
        Config config = TestMembers.config(clusterName, TestMembers.freePorts(1)[0], settings.hazelcastPort());
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        started.add(member);
        return member;
    }

    private static String keyOwnedBy(HazelcastInstance owner) {
        return IntStream.range(0, 10_000)
                .mapToObj(i -> "server-" + UUID.randomUUID())
                .filter(k -> {
                    var partitionOwner =
                            owner.getPartitionService().getPartition(k).getOwner();
                    return partitionOwner != null && partitionOwner.localMember();
                })
                .findFirst()
                .orElseThrow();
    }

    private static boolean granted(String key) {
        Api.Response r = api.post("/v1/buckets/" + key + "/acquire", Map.of("tokens", 1));
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("granted").asBoolean();
    }
}
