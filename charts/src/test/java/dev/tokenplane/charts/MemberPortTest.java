package dev.tokenplane.charts;

import static dev.tokenplane.charts.RenderedChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast member port in the chart (issue 11): bound to the pod's address, admitted by a NetworkPolicy from BMS
 * pods only, in a cluster whose name is derived from a secret the chart generates once and keeps.
 */
class MemberPortTest {

    private static final String STS = "tp-tokenplane-bms";
    private static final String CLUSTER_SECRET = "tp-tokenplane-bms-cluster";

    @AfterEach
    void forgetTheCluster() {
        FakeKubeApi.get().removeSecret(NAMESPACE, CLUSTER_SECRET);
    }

    @Test
    void shouldBindNothingOfHazelcastToEveryInterface() {
        RenderedChart chart = RenderedChart.renderDefaults();

        // nothing binds every interface: HTTP is on the pod's address and loopback (for kubectl port-forward)
        assertThat(chart.manifest()).doesNotContain("0.0.0.0");
        assertThat(bms(chart).env().get("BMS_HOST").string("value")).isEqualTo("$(POD_IP),127.0.0.1");
        assertThat(bms(chart).env().get("BMS_HAZELCAST_HOST").string("valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.podIP");
    }

    @Test
    void shouldAdmitTheMemberPortFromBmsPodsOnlyAndTheHttpPortFromAnySourceByDefault() {
        RenderedChart chart = RenderedChart.renderDefaults();
        Yamls.Node policy = chart.get("NetworkPolicy", STS);
        Map<String, Object> bmsPods = chart.get("StatefulSet", STS).map("spec", "selector", "matchLabels");
        List<Yamls.Node> rules = policy.list("spec", "ingress");

        assertThat(policy.map("spec", "podSelector", "matchLabels")).isEqualTo(bmsPods);
        assertThat(policy.path("spec", "policyTypes").value()).isEqualTo(List.of("Ingress"));
        assertThat(rules).hasSize(2);
        Yamls.Node members = rules.get(0);
        assertThat(members.list("ports"))
                .singleElement()
                .satisfies(p -> assertThat(p.integer("port")).isEqualTo(5701));
        assertThat(members.list("from"))
                .singleElement()
                .satisfies(f -> assertThat(f.map("podSelector", "matchLabels")).isEqualTo(bmsPods));
        Yamls.Node http = rules.get(1);
        assertThat(http.list("ports"))
                .singleElement()
                .satisfies(p -> assertThat(p.integer("port")).isEqualTo(8080));
        assertThat(http.has("from")).as("no from: every source").isFalse();
    }

    @Test
    void shouldNarrowTheHttpPortToTheGivenSourcesAndFollowThePorts() {
        RenderedChart chart = RenderedChart.render(t -> t.set("bms.httpPort", 9080)
                .set("bms.hazelcastPort", 5801)
                .set("networkPolicy.http.from[0].namespaceSelector.matchLabels.team", "shop")
                .set("networkPolicy.http.from[1].ipBlock.cidr", "10.0.0.0/16"));
        List<Yamls.Node> rules = chart.get("NetworkPolicy", STS).list("spec", "ingress");

        assertThat(rules.get(0).list("ports").get(0).integer("port")).isEqualTo(5801);
        assertThat(rules.get(1).list("ports").get(0).integer("port")).isEqualTo(9080);
        List<Yamls.Node> from = rules.get(1).list("from");
        assertThat(from).hasSize(3);
        assertThat(from.get(0).map("namespaceSelector", "matchLabels")).isEqualTo(Map.of("team", "shop"));
        assertThat(from.get(1).string("ipBlock", "cidr")).isEqualTo("10.0.0.0/16");
        // and the release's helm test pod, which asks the HTTP API for a decision
        assertThat(from.get(2).map("podSelector", "matchLabels"))
                .containsEntry("app.kubernetes.io/component", "test")
                .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE);
    }

    @Test
    void shouldLeaveTheNetworkPolicyOutWhenDisabled() {
        assertThat(RenderedChart.render(t -> t.set("networkPolicy.enabled", false))
                        .kinds())
                .doesNotContain("NetworkPolicy");
    }

    @Test
    void shouldGenerateTheClusterSecretOnceAndMountItAsAFile() {
        RenderedChart first = RenderedChart.renderDefaults();
        String generated = secret(first);
        Map<String, Yamls.Node> env = bms(first).env();

        assertThat(generated).matches("[A-Za-z0-9]{48}");
        assertThat(env).doesNotContainKey("BMS_CLUSTER_SECRET");
        assertThat(env.get("BMS_CLUSTER_SECRET_FILE").string("value"))
                .isEqualTo(bms(first).named("cluster-secret", "volumeMounts").string("mountPath") + "/cluster-secret");
        assertThat(first.get("StatefulSet", STS)
                        .named("cluster-secret", "spec", "template", "spec", "volumes")
                        .string("secret", "secretName"))
                .isEqualTo(CLUSTER_SECRET);
        assertThat(first.manifest()).doesNotContain(generated);

        // Given that Secret in the cluster, an upgrade keeps it (a new one would split the cluster on a restart)
        FakeKubeApi.get().putSecret(NAMESPACE, CLUSTER_SECRET, Map.of("cluster-secret", b64("kept-from-install-000")));
        assertThat(secret(RenderedChart.renderDefaults())).isEqualTo("kept-from-install-000");
    }

    @Test
    void shouldTakeAGivenOrAnExistingClusterSecret() {
        assertThat(secret(RenderedChart.render(t -> t.set("bms.clusterSecret", "given-cluster-secret-01"))))
                .isEqualTo("given-cluster-secret-01");

        RenderedChart existing = RenderedChart.render(t -> t.set("bms.clusterSecretExistingSecret", "ops-cluster"));
        assertThat(existing.has("Secret", CLUSTER_SECRET)).isFalse();
        assertThat(existing.get("StatefulSet", STS)
                        .named("cluster-secret", "spec", "template", "spec", "volumes")
                        .string("secret", "secretName"))
                .isEqualTo("ops-cluster");
    }

    private static String secret(RenderedChart chart) {
        String encoded = chart.get("Secret", CLUSTER_SECRET).string("data", "cluster-secret");
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static Yamls.Node bms(RenderedChart chart) {
        return chart.get("StatefulSet", STS).named("bms", "spec", "template", "spec", "containers");
    }
}
