package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The join each BMS_DISCOVERY mode produces, on the Config object and with real members. The join lives on the
 * advanced network configuration: with advanced networking on (member endpoint only), Hazelcast ignores the classic
 * network's join.
 */
class HazelcastMemberTest {

    @Test
    void shouldJoinTheStaticMemberListOverTcpIpByDefault() throws Exception {
        BmsSettings settings = TestSettings.member()
                .with("BMS_CLUSTER_MEMBERS", "10.0.0.1:5701,10.0.0.2:5701")
                .build();
        JoinConfig join = config(settings).getAdvancedNetworkConfig().getJoin();

        assertThat(settings.discovery()).isEqualTo(BmsSettings.Discovery.STATIC);
        assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
        assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    }

    @Test
    void shouldJoinItselfAloneWithoutAMemberList() throws Exception {
        BmsSettings settings =
                TestSettings.member().with("BMS_HAZELCAST_HOST", "0.0.0.0").build();
        JoinConfig join = config(settings).getAdvancedNetworkConfig().getJoin();

        assertThat(join.getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:" + settings.hazelcastPort());
    }

    @Test
    void shouldDiscoverMembersThroughTheHeadlessServiceDnsInKubernetesMode() throws Exception {
        BmsSettings settings = TestSettings.member()
                .with("BMS_DISCOVERY", "kubernetes")
                .with("BMS_KUBERNETES_SERVICE_DNS", "tp-tokenplane-bms-headless.rate.svc.cluster.local")
                .with("BMS_HAZELCAST_PORT", "5801")
                .build();
        JoinConfig join = config(settings).getAdvancedNetworkConfig().getJoin();

        assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
        // DNS mode: only service-dns and the port, nothing that would make Hazelcast call the Kubernetes API
        assertThat(join.getKubernetesConfig().getProperties())
                .containsOnly(
                        entry("service-dns", "tp-tokenplane-bms-headless.rate.svc.cluster.local"),
                        entry("service-port", "5801"));
        assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
        assertThat(join.getMulticastConfig().isEnabled()).isFalse();
        assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    }

    @Test
    void shouldRefuseKubernetesModeWithoutAServiceNameAndAnUnknownMode() {
        assertThatThrownBy(() -> TestSettings.member()
                        .with("BMS_DISCOVERY", "kubernetes")
                        .build())
                .hasMessage("BMS_KUBERNETES_SERVICE_DNS (--kubernetes-service-dns) is required with "
                        + "BMS_DISCOVERY=kubernetes");
        assertThatThrownBy(() ->
                        TestSettings.member().with("BMS_DISCOVERY", "multicast").build())
                .hasMessage("BMS_DISCOVERY (--discovery) must be static or kubernetes, was 'multicast'");
        assertThatThrownBy(() -> TestSettings.member()
                        .with("BMS_DISCOVERY", "kubernetes")
                        .with("BMS_KUBERNETES_SERVICE_DNS", "http://svc/")
                        .build())
                .hasMessageContaining("must be a DNS name");
    }

    /**
     * Real members in kubernetes mode, with "localhost" standing for the headless Service (its A record is loopback).
     * In a StatefulSet every member has the same port; on one host they cannot, so the second member is told the
     * first one's port as the Service port.
     */
    @Test
    void shouldFormAClusterThroughTheServiceDnsRecords() throws Exception {
        String cluster = "k8s-" + UUID.randomUUID();
        List<HazelcastInstance> members = new ArrayList<>();
        try {
            BmsSettings first = kubernetes(cluster);
            members.add(Hazelcast.newHazelcastInstance(config(first)));
            Config second = config(kubernetes(cluster));
            second.getAdvancedNetworkConfig()
                    .getJoin()
                    .getKubernetesConfig()
                    .setProperty("service-port", Integer.toString(first.hazelcastPort()));
            members.add(Hazelcast.newHazelcastInstance(second));

            Await.until(() ->
                    members.stream().allMatch(m -> m.getCluster().getMembers().size() == 2));
        } finally {
            members.forEach(HazelcastInstance::shutdown);
        }
    }

    /** The member config, in the cluster of the settings' secret (test members of one cluster share it). */
    private static Config config(BmsSettings settings) {
        return HazelcastMember.config(settings, settings.clusterSecret().orElseThrow());
    }

    private static BmsSettings kubernetes(String cluster) throws Exception {
        return TestSettings.member(cluster)
                .with("BMS_DISCOVERY", "kubernetes")
                .with("BMS_KUBERNETES_SERVICE_DNS", "localhost")
                .build();
    }
}
