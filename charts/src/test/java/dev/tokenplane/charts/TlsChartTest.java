package dev.tokenplane.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With {@code bms.tls.secretName}: HTTPS on the API, probes over HTTPS, agents trusting the Secret's CA. */
class TlsChartTest {
    private static RenderedChart tls;
    private static RenderedChart plain;

    @BeforeAll
    static void render() {
        tls = RenderedChart.render(t -> t.set("bms.tls.secretName", "bms-tls").set("serviceMonitor.enabled", true));
        plain = RenderedChart.renderDefaults();
    }

    @Test
    void shouldServeHttpsFromTheSecretAndProbeOverHttps() {
        Yamls.Node bms =
                tls.get("StatefulSet", "tp-tokenplane-bms").named("bms", "spec", "template", "spec", "containers");
        Map<String, Yamls.Node> env = bms.env();

        assertThat(env.get("BMS_TLS_CERT_FILE").string("value")).isEqualTo("/etc/tokenplane/tls/tls.crt");
        assertThat(env.get("BMS_TLS_KEY_FILE").string("value")).isEqualTo("/etc/tokenplane/tls/tls.key");
        assertThat(bms.named("tls", "volumeMounts").string("mountPath")).isEqualTo("/etc/tokenplane/tls");
        assertThat(tls.get("StatefulSet", "tp-tokenplane-bms")
                        .named("tls", "spec", "template", "spec", "volumes")
                        .string("secret", "secretName"))
                .isEqualTo("bms-tls");
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertThat(bms.string(probe, "httpGet", "scheme")).isEqualTo("HTTPS");
        }
    }

    @Test
    void shouldLetTheAgentsReportOverHttpsTrustingTheSecretsCa() {
        Yamls.Node agent =
                tls.get("DaemonSet", "tp-tokenplane-agent").named("agent", "spec", "template", "spec", "containers");

        assertThat(agent.env().get("AGENT_BMS_URLS").string("value")).startsWith("https://tp-tokenplane-bms.");
        assertThat(agent.env().get("AGENT_BMS_CA_FILE").string("value")).isEqualTo("/etc/tokenplane/bms-ca/ca.crt");
        Yamls.Node volume =
                tls.get("DaemonSet", "tp-tokenplane-agent").named("bms-ca", "spec", "template", "spec", "volumes");
        assertThat(volume.string("secret", "secretName")).isEqualTo("bms-tls");
        assertThat(volume.list("secret", "items").get(0).string("key")).isEqualTo("ca.crt");
        assertThat(tls.get("ServiceMonitor", "tp-tokenplane-bms")
                        .list("spec", "endpoints")
                        .get(0)
                        .string("scheme"))
                .isEqualTo("https");
    }

    @Test
    void shouldLetHelmTestTrustTheSecretsCa() {
        Yamls.Node pod = RenderedChart.renderWithHooks(t -> t.set("bms.tls.secretName", "bms-tls"))
                .get("Pod", "tp-tokenplane-test")
                .path("spec");
        Yamls.Node check = pod.named("check", "containers");

        assertThat(check.env().get("BMS_URL").string("value")).startsWith("https://");
        assertThat(check.env().get("CURL_CA_BUNDLE").string("value")).isEqualTo("/etc/tokenplane/bms-ca/ca.crt");
        assertThat(pod.named("bms-ca", "volumes").string("secret", "secretName"))
                .isEqualTo("bms-tls");
    }

    @Test
    void shouldStayPlainHttpWithoutTheSecret() {
        Yamls.Node bms =
                plain.get("StatefulSet", "tp-tokenplane-bms").named("bms", "spec", "template", "spec", "containers");

        assertThat(bms.env()).doesNotContainKeys("BMS_TLS_CERT_FILE", "BMS_TLS_KEY_FILE");
        assertThat(bms.map("readinessProbe", "httpGet")).doesNotContainKey("scheme");
    }
}
