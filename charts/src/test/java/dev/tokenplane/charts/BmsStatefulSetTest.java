package dev.tokenplane.charts;

import static dev.tokenplane.charts.RenderedChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The BMS objects rendered with the default values and with non-default ones. */
class BmsStatefulSetTest {

    private static final String STS = "tp-tokenplane-bms";
    private static final String HEADLESS = "tp-tokenplane-bms-headless";

    private static RenderedChart defaults;
    private static RenderedChart custom;

    @BeforeAll
    static void render() {
        defaults = RenderedChart.renderDefaults();
        custom = RenderedChart.render(t -> t.set("bms.replicas", 5)
                .set("bms.httpPort", 9080)
                .set("bms.hazelcastPort", 5801)
                .set("bms.service.port", 80)
                .set("bms.sizingIntervalMs", 250)
                .set("bms.maxBodyBytes", 1048576)
                .set("bms.image.repository", "registry.example.com/tp/bms")
                .set("bms.image.tag", "1.2.3")
                .set("bms.apiKeys.key-one", "client-a")
                .set("bms.decisionPort", 8081)
                .set("bms.persistence.size", "10Gi")
                .set("bms.persistence.storageClassName", "fast-ssd")
                .set("bms.terminationGracePeriodSeconds", 120)
                .set("bms.preStopSleepSeconds", 0)
                .set("bms.podAntiAffinity", "hard")
                .set("clusterDomain", "k8s.example"));
    }

    @Test
    void shouldRenderTheObjectsOfADefaultInstall() {
        assertThat(defaults.kinds())
                .containsExactly(
                        "ConfigMap",
                        "ConfigMap",
                        "DaemonSet",
                        "NetworkPolicy",
                        "PodDisruptionBudget",
                        "Secret",
                        "Secret",
                        "Service",
                        "Service",
                        "ServiceAccount",
                        "StatefulSet");
    }

    @Test
    void shouldRunThreeMembersBehindAHeadlessServiceThatPublishesNotReadyPods() {
        Yamls.Node sts = defaults.get("StatefulSet", STS);
        Yamls.Node headless = defaults.get("Service", HEADLESS);

        assertThat(sts.integer("spec", "replicas")).isEqualTo(3);
        assertThat(sts.string("spec", "serviceName")).isEqualTo(HEADLESS);
        assertThat(headless.string("spec", "clusterIP")).isEqualTo("None");
        assertThat(headless.path("spec", "publishNotReadyAddresses").value()).isEqualTo(true);
        assertThat(headless.map("spec", "selector")).isEqualTo(sts.map("spec", "selector", "matchLabels"));
        assertThat(sts.map("spec", "template", "metadata", "labels"))
                .containsAllEntriesOf(sts.map("spec", "selector", "matchLabels"));
        assertThat(headless.named("hazelcast", "spec", "ports").integer("port")).isEqualTo(5701);
    }

    @Test
    void shouldDiscoverMembersThroughTheHeadlessServiceDns() {
        Map<String, Yamls.Node> env = bms(defaults).env();

        assertThat(env.get("BMS_DISCOVERY").string("value")).isEqualTo("kubernetes");
        assertThat(env.get("BMS_KUBERNETES_SERVICE_DNS").string("value"))
                .isEqualTo(HEADLESS + "." + NAMESPACE + ".svc.cluster.local");
        assertThat(env).doesNotContainKey("BMS_CLUSTER_MEMBERS");
        // HTTP on the pod's address (Service, probes) and loopback (kubectl port-forward), never every interface
        assertThat(env.get("BMS_HOST").string("value")).isEqualTo("$(POD_IP),127.0.0.1");
        assertThat(env.get("POD_IP").string("valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.podIP");
        assertThat(List.copyOf(env.keySet()).indexOf("POD_IP"))
                .isLessThan(List.copyOf(env.keySet()).indexOf("BMS_HOST"));
        assertThat(defaults.manifest())
                .doesNotContain("0.0.0.0")
                .doesNotContain("::/0")
                .doesNotContain("\"::\"");
        assertThat(env.get("BMS_HAZELCAST_PORT").string("value")).isEqualTo("5701");
        assertThat(bms(defaults).named("hazelcast", "ports").integer("containerPort"))
                .isEqualTo(5701);
        // Hazelcast on the pod's address only (members reach each other by it), never on every interface
        assertThat(env.get("BMS_HAZELCAST_HOST").has("value")).isFalse();
        assertThat(env.get("BMS_HAZELCAST_HOST").string("valueFrom", "fieldRef", "fieldPath"))
                .isEqualTo("status.podIP");
        // one Hazelcast cluster per release, whatever else runs in the namespace
        assertThat(env.get("BMS_CLUSTER_NAME").string("value")).isEqualTo(RenderedChart.RELEASE);
    }

    @Test
    void shouldNotRollTheMembersWhenTheReplicaCountChanges() {
        RenderedChart three =
                RenderedChart.render(t -> t.set("clusterDomain", "k8s.example").set("bms.replicas", 3));
        RenderedChart five =
                RenderedChart.render(t -> t.set("clusterDomain", "k8s.example").set("bms.replicas", 5));

        assertThat(bms(custom).env().get("BMS_KUBERNETES_SERVICE_DNS").string("value"))
                .isEqualTo(HEADLESS + "." + NAMESPACE + ".svc.k8s.example");
        // the pod template, whose change would roll every member, is the same for 3 and 5 replicas
        assertThat(five.get("StatefulSet", STS).integer("spec", "replicas")).isEqualTo(5);
        assertThat(five.get("StatefulSet", STS).path("spec", "template").value())
                .isEqualTo(
                        three.get("StatefulSet", STS).path("spec", "template").value());
    }

    @Test
    void shouldSetOnlyVariablesTheBmsReads() {
        // The chart passes the tokens from its Secret (BMS_ADMIN_TOKEN...), so it never sets their _FILE variants
        // (the BMS refuses both at once), nor BMS_AGENT_TOKENS_FILE (named agent tokens are for installs by hand),
        // nor the static member list BMS_CLUSTER_MEMBERS (members find each other through the headless Service).
        // The cluster secret is the other way round: a mounted file (BMS_CLUSTER_SECRET_FILE), never the variable.
        // The TLS files come with bms.tls.secretName (TlsChartTest). The chart runs embedded members only: client
        // mode and data members (BMS_HAZELCAST_MODE, BMS_HAZELCAST_CLIENT_PORT) are not charted yet (docs/scaling.md).
        List<String> charted = ConfigurationNames.BMS_ENV.stream()
                .filter(n -> !n.endsWith("_TOKEN_FILE")
                        && !n.equals("BMS_AGENT_TOKENS_FILE")
                        && !n.equals("BMS_CLUSTER_MEMBERS")
                        && !n.equals("BMS_CLUSTER_SECRET")
                        && !n.startsWith("BMS_TLS_")
                        && !n.startsWith("BMS_HAZELCAST_MODE")
                        && !n.equals("BMS_HAZELCAST_CLIENT_PORT"))
                .toList();
        // POD_IP is not the BMS's: BMS_HOST is built from it ($(POD_IP),127.0.0.1)
        assertThat(bmsVariables(defaults))
                .isSubsetOf(charted)
                .containsAll(charted.stream()
                        .filter(n -> !n.equals("BMS_API_KEYS_FILE") && !n.equals("BMS_DECISION_PORT"))
                        .toList());
        // with API keys and the decision port configured, the chart sets every other variable the BMS reads
        assertThat(bmsVariables(custom)).containsExactlyInAnyOrderElementsOf(charted);
    }

    private static List<String> bmsVariables(RenderedChart chart) {
        return bms(chart).env().keySet().stream()
                .filter(n -> !n.equals("POD_IP"))
                .toList();
    }

    @Test
    void shouldPassNumbersAsPlainDecimalStrings() {
        Map<String, Yamls.Node> env = bms(custom).env();

        assertThat(env.get("BMS_MAX_BODY_BYTES").string("value")).isEqualTo("1048576");
        assertThat(env.get("BMS_SIZING_INTERVAL_MS").string("value")).isEqualTo("250");
        assertThat(env.get("BMS_PORT").string("value")).isEqualTo("9080");
        assertThat(bms(defaults).env().get("BMS_MAX_BODY_BYTES").string("value"))
                .isEqualTo("65536");
    }

    @Test
    void shouldProbeReadinessAndLivenessOnTheHttpPort() {
        Yamls.Node container = bms(defaults);

        assertThat(container.string("readinessProbe", "httpGet", "path")).isEqualTo("/health/ready");
        assertThat(container.string("livenessProbe", "httpGet", "path")).isEqualTo("/health/live");
        assertThat(container.string("startupProbe", "httpGet", "path")).isEqualTo("/health/live");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(container.string(probe, "httpGet", "port")).isEqualTo("http");
        }
        assertThat(container.named("http", "ports").integer("containerPort")).isEqualTo(8080);
        assertThat(bms(custom).named("http", "ports").integer("containerPort")).isEqualTo(9080);
    }

    @Test
    void shouldExposeTheHttpApiThroughAServiceOnTheHttpPort() {
        Yamls.Node service = defaults.get("Service", STS);
        Yamls.Node port = service.named("http", "spec", "ports");

        assertThat(port.integer("port")).isEqualTo(8080);
        assertThat(port.string("targetPort")).isEqualTo("http");
        assertThat(service.map("spec", "selector"))
                .isEqualTo(defaults.get("StatefulSet", STS).map("spec", "selector", "matchLabels"));
        assertThat(custom.get("Service", STS).named("http", "spec", "ports").integer("port"))
                .isEqualTo(80);
    }

    @Test
    void shouldKeepTheDataDirectoryOnAVolumeClaimPerMember() {
        Yamls.Node sts = defaults.get("StatefulSet", STS);
        Yamls.Node claim = sts.list("spec", "volumeClaimTemplates").get(0);
        String dataDir = bms(defaults).env().get("BMS_DATA_DIR").string("value");

        assertThat(claim.string("metadata", "name")).isEqualTo("data");
        assertThat(claim.path("spec", "accessModes").value()).isEqualTo(List.of("ReadWriteOnce"));
        assertThat(claim.string("spec", "resources", "requests", "storage")).isEqualTo("1Gi");
        assertThat(claim.has("spec", "storageClassName")).isFalse();
        assertThat(bms(defaults).named("data", "volumeMounts").string("mountPath"))
                .isEqualTo(dataDir);

        Yamls.Node customClaim = custom.get("StatefulSet", STS)
                .list("spec", "volumeClaimTemplates")
                .get(0);
        assertThat(customClaim.string("spec", "resources", "requests", "storage"))
                .isEqualTo("10Gi");
        assertThat(customClaim.string("spec", "storageClassName")).isEqualTo("fast-ssd");
    }

    @Test
    void shouldUseAnEmptyDirWhenPersistenceIsOff() {
        RenderedChart ephemeral = RenderedChart.render(t -> t.set("bms.persistence.enabled", false));
        Yamls.Node sts = ephemeral.get("StatefulSet", STS);

        assertThat(sts.has("spec", "volumeClaimTemplates")).isFalse();
        assertThat(sts.named("data", "spec", "template", "spec", "volumes").has("emptyDir"))
                .isTrue();
    }

    @Test
    void shouldMountTheInitialRulesWhereBmsRulesFilePoints() {
        Yamls.Node configMap = defaults.get("ConfigMap", "tp-tokenplane-bms-rules");
        String rulesFile = bms(defaults).env().get("BMS_RULES_FILE").string("value");
        Yamls.Node mount = bms(defaults).named("rules", "volumeMounts");
        Map<String, Object> parsed = Yamls.parse(configMap.string("data", "rules.yaml"));

        assertThat(rulesFile).isEqualTo(mount.string("mountPath") + "/rules.yaml");
        assertThat(mount.path("readOnly").value()).isEqualTo(true);
        assertThat(defaults.get("StatefulSet", STS)
                        .named("rules", "spec", "template", "spec", "volumes")
                        .string("configMap", "name"))
                .isEqualTo("tp-tokenplane-bms-rules");
        // the format BMS_RULES_FILE reads: a list of rules, each with its id (ChartToProcessIT runs it)
        assertThat(new Yamls.Node(parsed).string("rules", 0, "id")).isEqualTo("servers");
        assertThat(new Yamls.Node(parsed).string("rules", 0, "match")).isEqualTo("server/*");
        assertThat(new Yamls.Node(parsed).integer("rules", 0, "capacity")).isEqualTo(1000);
    }

    @Test
    void shouldLeaveBmsRulesFileUnsetWithoutRules() {
        RenderedChart noRules = RenderedChart.render(t -> t.set("bms.rules", "null"));

        assertThat(noRules.has("ConfigMap", "tp-tokenplane-bms-rules")).isFalse();
        assertThat(bms(noRules).env()).doesNotContainKey("BMS_RULES_FILE");
    }

    @Test
    void shouldMountApiKeysFromASecret() {
        Yamls.Node secret = custom.get("Secret", "tp-tokenplane-bms-api-keys");
        String file = bms(custom).env().get("BMS_API_KEYS_FILE").string("value");

        assertThat(Yamls.parse(secret.string("stringData", "api-keys.yaml"))).isEqualTo(Map.of("key-one", "client-a"));
        assertThat(file)
                .isEqualTo(bms(custom).named("api-keys", "volumeMounts").string("mountPath") + "/api-keys.yaml");
    }

    @Test
    void shouldTerminateGracefully() {
        Yamls.Node pod = defaults.get("StatefulSet", STS).path("spec", "template", "spec");

        assertThat(pod.integer("terminationGracePeriodSeconds")).isEqualTo(60);
        assertThat(bms(defaults).path("lifecycle", "preStop", "exec", "command").value())
                .isEqualTo(List.of("sleep", "5"));
        assertThat(custom.get("StatefulSet", STS).integer("spec", "template", "spec", "terminationGracePeriodSeconds"))
                .isEqualTo(120);
        assertThat(bms(custom).has("lifecycle")).isFalse();
    }

    @Test
    void shouldRequestAndLimitResources() {
        Yamls.Node resources = bms(defaults).path("resources");

        assertThat(resources.string("requests", "cpu")).isEqualTo("500m");
        assertThat(resources.string("requests", "memory")).isEqualTo("1Gi");
        assertThat(resources.string("limits", "memory")).isEqualTo("1Gi");
    }

    @Test
    void shouldAllowOneMemberDownAtATime() {
        Yamls.Node pdb = defaults.get("PodDisruptionBudget", STS);

        assertThat(pdb.integer("spec", "maxUnavailable")).isEqualTo(1);
        assertThat(pdb.map("spec", "selector", "matchLabels"))
                .isEqualTo(defaults.get("StatefulSet", STS).map("spec", "selector", "matchLabels"));
    }

    @Test
    void shouldSpreadMembersOverNodes() {
        Yamls.Node soft =
                defaults.get("StatefulSet", STS).path("spec", "template", "spec", "affinity", "podAntiAffinity");
        Yamls.Node hard =
                custom.get("StatefulSet", STS).path("spec", "template", "spec", "affinity", "podAntiAffinity");

        assertThat(soft.list("preferredDuringSchedulingIgnoredDuringExecution")
                        .get(0)
                        .string("podAffinityTerm", "topologyKey"))
                .isEqualTo("kubernetes.io/hostname");
        assertThat(hard.list("requiredDuringSchedulingIgnoredDuringExecution")
                        .get(0)
                        .string("topologyKey"))
                .isEqualTo("kubernetes.io/hostname");
    }

    @Test
    void shouldTakeTheImageFromValues() {
        assertThat(bms(defaults).string("image")).isEqualTo("tokenplane/bms:" + RenderedChart.appVersion());
        assertThat(bms(custom).string("image")).isEqualTo("registry.example.com/tp/bms:1.2.3");
    }

    @Test
    void shouldNeverKeepAStaleSnapshotImage() {
        // the default tag is the project version; a -SNAPSHOT tag moves, so IfNotPresent would keep an old image
        String expected = RenderedChart.appVersion().endsWith("-SNAPSHOT") ? "Always" : "IfNotPresent";
        assertThat(bms(defaults).string("imagePullPolicy")).isEqualTo(expected);
        assertThat(bms(custom).string("imagePullPolicy")).isEqualTo("IfNotPresent");
        RenderedChart snapshot = RenderedChart.render(t -> t.set("bms.image.tag", "2.0.0-SNAPSHOT"));
        assertThat(bms(snapshot).string("imagePullPolicy")).isEqualTo("Always");
        RenderedChart pinned = RenderedChart.render(
                t -> t.set("bms.image.tag", "2.0.0-SNAPSHOT").set("bms.image.pullPolicy", "IfNotPresent"));
        assertThat(bms(pinned).string("imagePullPolicy")).isEqualTo("IfNotPresent");
    }

    @Test
    void shouldRunAsNonRootOnAReadOnlyRootFilesystem() {
        Yamls.Node pod = defaults.get("StatefulSet", STS).path("spec", "template", "spec");

        assertThat(pod.path("securityContext", "runAsNonRoot").value()).isEqualTo(true);
        assertThat(bms(defaults)
                        .path("securityContext", "readOnlyRootFilesystem")
                        .value())
                .isEqualTo(true);
        assertThat(bms(defaults).named("tmp", "volumeMounts").string("mountPath"))
                .isEqualTo("/tmp");
    }

    private static Yamls.Node bms(RenderedChart chart) {
        return chart.get("StatefulSet", STS).named("bms", "spec", "template", "spec", "containers");
    }
}
