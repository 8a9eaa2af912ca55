package dev.tokenplane.bms.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.config.ConfigKind;
import dev.tokenplane.bms.sizing.SizingStates;

import java.util.ArrayList;
import java.util.List;

/**
 * The Hazelcast configuration of an embedded BMS member: tcp-ip join or Kubernetes DNS discovery (multicast and
 * auto-detection off), bound to {@code BMS_HAZELCAST_HOST} (loopback by default), on {@code BMS_HAZELCAST_PORT} without auto-increment, in the
 * cluster named {@code BMS_CLUSTER_NAME}. Hazelcast's own shutdown hook is off: the BMS shuts the member down itself,
 * after the HTTP server has drained.
 */
public final class HazelcastMember {
    /** Agents that stop reporting leave the map after an hour. */
    static final int AGENT_MAX_IDLE_SECONDS = 3600;
    /** Resize histories of buckets unused for a day go away. */
    static final int HISTORY_MAX_IDLE_SECONDS = 86_400;

    private HazelcastMember() {
    }

    /** How long Hazelcast pauses between retries of an invocation (its default is 500 ms). */
    static final long INVOCATION_RETRY_PAUSE_MS = 100;

    /**
     * Hazelcast's invocation timeouts, matched to the request deadline: an operation whose member stops answering
     * (no response and no heartbeat: a running operation still sends those) fails after {@code requestTimeoutMs}
     * instead of the default 60 s, and the retries of an invocation (a partition migrating, a member gone) take about
     * twice that instead of 250 of them 500 ms apart: room for a migration to end, not for a minute of waiting. The
     * request path answers 503 at its deadline anyway ({@link Deadline}); this frees what waits behind it.
     */
    static void invocationTimeouts(Config config, long requestTimeoutMs) {
        config.setProperty("hazelcast.operation.call.timeout.millis", Long.toString(requestTimeoutMs));
        config.setProperty("hazelcast.invocation.retry.pause.millis", Long.toString(INVOCATION_RETRY_PAUSE_MS));
        config.setProperty("hazelcast.invocation.max.retry.count",
                Long.toString(Math.max(10, 2 * requestTimeoutMs / INVOCATION_RETRY_PAUSE_MS)));
    }

    /** The member configuration for {@code settings}, before the bucket store adds its own maps. */
    public static Config config(BmsSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("bms-" + settings.clusterName() + "-" + settings.hazelcastPort());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        invocationTimeouts(config, settings.requestTimeoutMs());

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.hazelcastPort()).setPortAutoIncrement(false);
        String host = settings.hazelcastHost();
        boolean bindAll = "0.0.0.0".equals(host);
        if (!bindAll) {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(host);
        }
        join(network.getJoin(), settings);

        for (ConfigKind kind : ConfigKind.values()) {
            config.addMapConfig(new MapConfig(kind.mapName()).setBackupCount(1));
        }
        config.addMapConfig(new MapConfig(AgentRegistry.MAP).setBackupCount(1)
                .setMaxIdleSeconds(AGENT_MAX_IDLE_SECONDS));
        config.addMapConfig(new MapConfig(ResizeHistory.MAP).setBackupCount(1)
                .setMaxIdleSeconds(HISTORY_MAX_IDLE_SECONDS));
        config.addMapConfig(SizingStates.mapConfig());
        return config;
    }

    /**
     * The join of {@code BMS_DISCOVERY}: static is tcp-ip to {@code BMS_CLUSTER_MEMBERS} (this member alone when
     * empty); kubernetes is Hazelcast's built-in Kubernetes discovery in DNS mode, which reads the A records of the
     * headless Service {@code BMS_KUBERNETES_SERVICE_DNS} (published before the pods are ready) and needs no access to
     * the Kubernetes API. Either way multicast and auto-detection stay off.
     */
    static void join(JoinConfig join, BmsSettings settings) {
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (settings.discovery() == BmsSettings.Discovery.KUBERNETES) {
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", settings.kubernetesServiceDns().orElseThrow())
                    .setProperty("service-port", Integer.toString(settings.hazelcastPort()));
            return;
        }
        List<String> members = new ArrayList<>(settings.clusterMembers());
        if (members.isEmpty()) {
            String host = settings.hazelcastHost();
            members.add(("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + settings.hazelcastPort());
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }
}
