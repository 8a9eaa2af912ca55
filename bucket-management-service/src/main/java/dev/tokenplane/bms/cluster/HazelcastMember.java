package dev.tokenplane.bms.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.config.ConfigKind;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.sizing.SizingStates;
import dev.tokenplane.store.hazelcast.MemberSerialization;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Hazelcast configuration of an embedded BMS member. The member port is for members only:
 * <ul>
 *   <li>advanced networking with one endpoint, the member protocol ({@link #memberEndpointOnly}): no client protocol
 *       (a Hazelcast client cannot connect), no REST, no memcache;</li>
 *   <li>a cluster name derived from the cluster secret ({@link #clusterName}): a member without the secret forms its
 *       own cluster;</li>
 *   <li>Java deserialization limited to remote exceptions ({@link MemberSerialization}): every type that travels is
 *       {@code IdentifiedDataSerializable} or Compact.</li>
 * </ul>
 * Open-source Hazelcast has no member authentication and no TLS: anyone who can reach the port and sees the cluster
 * name in traffic can join. Network isolation (the chart's NetworkPolicy) is the control; these settings narrow what a
 * stranger who reaches the port can do without it.
 *
 * <p>Bound to {@code BMS_HAZELCAST_HOST} (loopback by default), on {@code BMS_HAZELCAST_PORT} without
 * auto-increment; tcp-ip join or Kubernetes DNS discovery (multicast and auto-detection off). Hazelcast's own
 * shutdown hook is off: the BMS shuts the member down itself, after the HTTP server has drained.
 */
public final class HazelcastMember {
    /** Agents that stop reporting leave the map after an hour. */
    static final int AGENT_MAX_IDLE_SECONDS = 3600;
    /** Resize histories of buckets unused for a day go away. */
    static final int HISTORY_MAX_IDLE_SECONDS = 86_400;
    /** Hex digits of the secret's tag in the cluster name (128 bits). */
    static final int TAG_HEX_DIGITS = 32;
    /** The split-brain protection of the configuration maps. */
    static final String CONFIG_QUORUM = "config-writes-quorum";

    private HazelcastMember() {}

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
        config.setProperty(
                "hazelcast.invocation.max.retry.count",
                Long.toString(Math.max(10, 2 * requestTimeoutMs / INVOCATION_RETRY_PAUSE_MS)));
    }

    /**
     * The member configuration for {@code settings} in the cluster of {@code clusterSecret}, before the bucket store
     * adds its own maps.
     */
    public static Config config(BmsSettings settings, String clusterSecret) {
        Config config = new Config();
        config.setClusterName(clusterName(settings.clusterName(), clusterSecret));
        config.setInstanceName("bms-" + settings.clusterName() + "-" + settings.hazelcastPort());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        invocationTimeouts(config, settings.requestTimeoutMs());

        memberEndpointOnly(config, settings);
        join(config.getAdvancedNetworkConfig().getJoin(), settings);
        MemberSerialization.denyJavaSerialization(config);

        String quorum = configQuorum(config, settings.expectedMembers());
        for (ConfigKind kind : ConfigKind.values()) {
            config.addMapConfig(new MapConfig(kind.mapName()).setBackupCount(1).setSplitBrainProtectionName(quorum));
        }
        ReplicatedConfig.configure(config);
        AgentRegistry.configure(config, AGENT_MAX_IDLE_SECONDS);
        ResizeHistory.configure(config, HISTORY_MAX_IDLE_SECONDS);
        config.addMapConfig(SizingStates.mapConfig());
        return config;
    }

    /**
     * The cluster name of {@code name} and {@code secret}: {@code <name>-<tag>}, where the tag is the first
     * {@value #TAG_HEX_DIGITS} hex digits of HMAC-SHA256 keyed by the secret over the name. The secret cannot be read
     * back from it, so the name may be logged.
     */
    public static String clusterName(String name, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String tag = HexFormat.of().formatHex(mac.doFinal(name.getBytes(StandardCharsets.UTF_8)));
            return name + "-" + tag.substring(0, TAG_HEX_DIGITS);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * Advanced networking with the member endpoint only, on {@code BMS_HAZELCAST_HOST:BMS_HAZELCAST_PORT}. With
     * advanced networking on, Hazelcast reads the join settings from {@link AdvancedNetworkConfig#getJoin()}, not from
     * the classic network configuration.
     */
    static void memberEndpointOnly(Config config, BmsSettings settings) {
        ServerSocketEndpointConfig member = new ServerSocketEndpointConfig()
                .setPort(settings.hazelcastPort())
                .setPortAutoIncrement(false);
        if (!bindsAll(settings)) {
            config.setProperty("hazelcast.socket.bind.any", "false");
            config.setProperty("hazelcast.socket.server.bind.any", "false");
            member.getInterfaces().setEnabled(true).addInterface(settings.hazelcastHost());
        }
        config.getAdvancedNetworkConfig().setEnabled(true).setMemberEndpointConfig(member);
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
        config.addSplitBrainProtectionConfig(
                new SplitBrainProtectionConfig(CONFIG_QUORUM, true, expectedMembers / 2 + 1)
                        .setProtectOn(SplitBrainProtectionOn.WRITE));
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
            join.getKubernetesConfig()
                    .setEnabled(true)
                    .setProperty("service-dns", settings.kubernetesServiceDns().orElseThrow())
                    .setProperty("service-port", Integer.toString(settings.hazelcastPort()));
            return;
        }
        List<String> members = new ArrayList<>(settings.clusterMembers());
        if (members.isEmpty()) {
            members.add((bindsAll(settings) ? "127.0.0.1" : settings.hazelcastHost()) + ":" + settings.hazelcastPort());
        }
        join.getTcpIpConfig().setEnabled(true).setMembers(members);
    }

    private static boolean bindsAll(BmsSettings settings) {
        return "0.0.0.0".equals(settings.hazelcastHost());
    }
}
