package dev.tokenplane.bms.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
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
    /** The split-brain protection of the configuration maps. */
    static final String CONFIG_QUORUM = "config-writes-quorum";

    private HazelcastMember() {
    }

    /** The member configuration for {@code settings}, before the bucket store adds its own maps. */
    public static Config config(BmsSettings settings) {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("bms-" + settings.clusterName() + "-" + settings.hazelcastPort());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.hazelcastPort()).setPortAutoIncrement(false);
        String host = settings.hazelcastHost();
        boolean bindAll = "0.0.0.0".equals(host);
        if (!bindAll) {
            config.setProperty("hazelcast.socket.bind.any", "false");
            network.getInterfaces().setEnabled(true).addInterface(host);
        }
        join(network.getJoin(), settings);

        String quorum = configQuorum(config, settings.expectedMembers());
        for (ConfigKind kind : ConfigKind.values()) {
            config.addMapConfig(new MapConfig(kind.mapName()).setBackupCount(1).setSplitBrainProtectionName(quorum));
        }
        config.addMapConfig(new MapConfig(AgentRegistry.MAP).setBackupCount(1)
                .setMaxIdleSeconds(AGENT_MAX_IDLE_SECONDS));
        config.addMapConfig(new MapConfig(ResizeHistory.MAP).setBackupCount(1)
                .setMaxIdleSeconds(HISTORY_MAX_IDLE_SECONDS));
        config.addMapConfig(SizingStates.mapConfig());
        return config;
    }

    /**
     * With more than one expected member, a split-brain protection on writes that needs a majority of them
     * ({@code expected / 2 + 1}): a minority side of a partition refuses configuration writes (Hazelcast throws a
     * {@code SplitBrainProtectionException}, answered 503 {@code unavailable}), so two sides never accept conflicting
     * rules. Its name, or null (no protection) for a single expected member.
     */
    static String configQuorum(Config config, int expectedMembers) {
        if (expectedMembers <= 1) {
            return null;
        }
        config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(CONFIG_QUORUM, true,
                expectedMembers / 2 + 1).setProtectOn(SplitBrainProtectionOn.WRITE));
        return CONFIG_QUORUM;
    }

    /** Whether {@code failure} is a write refused because this member sees fewer than a majority. */
    public static boolean isWithoutMajority(Throwable failure) {
        return failure instanceof SplitBrainProtectionException;
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
