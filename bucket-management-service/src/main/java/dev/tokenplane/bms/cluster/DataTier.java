package dev.tokenplane.bms.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsSettings;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a BMS process reaches the buckets ({@code BMS_HAZELCAST_MODE}): as an embedded member of the cluster, or as a
 * Hazelcast client of separate data members ({@code dev.tokenplane.bms.DataMemberMain}), so that the HTTP tier and the
 * data tier scale apart.
 *
 * <p>A client is configured from the same member configuration an embedded member would start with: the same cluster
 * name (derived from the cluster secret), the same serializers and Java serialization filter, and the bucket store's
 * settings. What runs on the data (maps, processors, the bucket budget, the idle sweep) is the data members'.
 */
public final class DataTier {

    private DataTier() {}

    /**
     * Joins the data tier of {@code settings}: starts an embedded member with {@code memberConfig}, or connects a
     * client to the data members at {@code BMS_CLUSTER_MEMBERS} (blocks until it is connected).
     */
    public static HazelcastInstance join(BmsSettings settings, Config memberConfig) {
        if (settings.hazelcastMode() == BmsSettings.HazelcastMode.EMBEDDED) {
            return Hazelcast.newHazelcastInstance(memberConfig);
        }
        return HazelcastClient.newHazelcastClient(clientConfig(settings, memberConfig));
    }

    /** Whether {@code hazelcast} is a client, which owns no partitions and has no member-local data. */
    public static boolean isClient(HazelcastInstance hazelcast) {
        return !(hazelcast.getLocalEndpoint() instanceof Member);
    }

    /** The client configuration of a BMS in client mode, from the configuration its members run with. */
    static ClientConfig clientConfig(BmsSettings settings, Config memberConfig) {
        ClientConfig client = new ClientConfig();
        client.setClusterName(memberConfig.getClusterName());
        client.setInstanceName(memberConfig.getInstanceName() + "-client");
        client.setProperty("hazelcast.phone.home.enabled", "false");
        client.setProperty("hazelcast.client.shutdownhook.enabled", "false");
        client.setProperty("hazelcast.logging.type", "slf4j");
        // as on a member: an invocation gives up after about twice the request deadline, not after two minutes
        client.setProperty(
                "hazelcast.client.invocation.timeout.seconds",
                Long.toString(Math.max(1, 2 * settings.requestTimeoutMs() / 1000)));
        client.setSerializationConfig(memberConfig.getSerializationConfig());
        client.setUserContext(new ConcurrentHashMap<>(memberConfig.getUserContext()));
        if (settings.discovery() == BmsSettings.Discovery.KUBERNETES) {
            client.getNetworkConfig()
                    .getKubernetesConfig()
                    .setEnabled(true)
                    .setProperty("service-dns", settings.kubernetesServiceDns().orElseThrow())
                    .setProperty("service-port", Integer.toString(settings.hazelcastClientPort()));
        } else {
            settings.clusterMembers().forEach(client.getNetworkConfig()::addAddress);
        }
        return client;
    }

    /**
     * Adds the endpoint BMS clients connect to, on {@code BMS_HAZELCAST_HOST:BMS_HAZELCAST_CLIENT_PORT}, to a data
     * member's configuration. The member endpoint stays members-only; only data members open a client endpoint.
     */
    public static Config clientEndpoint(Config config, BmsSettings settings) {
        ServerSocketEndpointConfig endpoint = new ServerSocketEndpointConfig()
                .setPort(settings.hazelcastClientPort())
                .setPortAutoIncrement(false);
        if (!"0.0.0.0".equals(settings.hazelcastHost())) {
            endpoint.getInterfaces().setEnabled(true).addInterface(settings.hazelcastHost());
        }
        config.getAdvancedNetworkConfig().setClientEndpointConfig(endpoint);
        return config;
    }
}
