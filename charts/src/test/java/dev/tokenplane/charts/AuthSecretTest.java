package dev.tokenplane.charts;

import static dev.tokenplane.charts.RenderedChart.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Secret with the admin and agent tokens: generated, kept across upgrades, given, or brought by the operator. */
class AuthSecretTest {

    private static final String SECRET = "tp-tokenplane-auth";

    @AfterEach
    void forgetTheCluster() {
        FakeKubeApi.get().removeSecret(NAMESPACE, SECRET);
    }

    @Test
    void shouldGenerateBothTokensOnFirstInstall() {
        RenderedChart first = RenderedChart.renderDefaults();
        RenderedChart second = RenderedChart.renderDefaults();

        String admin = token(first, "admin-token");
        assertThat(admin).matches("[A-Za-z0-9]{48}");
        assertThat(token(first, "agent-token")).matches("[A-Za-z0-9]{48}").isNotEqualTo(admin);
        assertThat(token(first, "read-token")).matches("[A-Za-z0-9]{48}").isNotEqualTo(admin);
        // nothing in the cluster yet: every render draws new tokens
        assertThat(token(second, "admin-token")).isNotEqualTo(admin);
    }

    @Test
    void shouldKeepTheGeneratedTokensOnUpgrade() {
        // Given the Secret of an earlier install in the cluster
        Map<String, String> stored = Map.of(
                "admin-token",
                b64("admin-token-from-the-first-install"),
                "agent-token",
                b64("agent-token-from-the-first-install"));
        FakeKubeApi.get().putSecret(NAMESPACE, SECRET, stored);

        // When the chart renders again (helm upgrade)
        RenderedChart upgrade = RenderedChart.renderDefaults();

        // Then lookup found it and the tokens stay
        assertThat(token(upgrade, "admin-token")).isEqualTo("admin-token-from-the-first-install");
        assertThat(token(upgrade, "agent-token")).isEqualTo("agent-token-from-the-first-install");
    }

    @Test
    void shouldPreferTokensGivenInValuesOverStoredOnes() {
        FakeKubeApi.get()
                .putSecret(
                        NAMESPACE,
                        SECRET,
                        Map.of("admin-token", b64("old-admin-token-0000"), "agent-token", b64("old-agent-token-0000")));

        RenderedChart rotated = RenderedChart.render(t -> t.set("auth.adminToken", "new-admin-token-1234"));

        assertThat(token(rotated, "admin-token")).isEqualTo("new-admin-token-1234");
        assertThat(token(rotated, "agent-token")).isEqualTo("old-agent-token-0000");
    }

    @Test
    void shouldReferenceTheTokensFromTheBmsAndTheAgents() {
        RenderedChart chart = RenderedChart.renderDefaults();
        Map<String, Yamls.Node> bms = chart.get("StatefulSet", "tp-tokenplane-bms")
                .named("bms", "spec", "template", "spec", "containers")
                .env();
        Map<String, Yamls.Node> agent = chart.get("DaemonSet", "tp-tokenplane-agent")
                .named("agent", "spec", "template", "spec", "containers")
                .env();

        assertThat(bms.get("BMS_ADMIN_TOKEN").map("valueFrom", "secretKeyRef"))
                .isEqualTo(Map.of("name", SECRET, "key", "admin-token"));
        assertThat(bms.get("BMS_AGENT_TOKEN").map("valueFrom", "secretKeyRef"))
                .isEqualTo(Map.of("name", SECRET, "key", "agent-token"));
        // optional, so that an existing Secret without a read token still starts the members
        assertThat(bms.get("BMS_READ_TOKEN").map("valueFrom", "secretKeyRef"))
                .isEqualTo(Map.of("name", SECRET, "key", "read-token", "optional", true));
        assertThat(agent.get("AGENT_BMS_TOKEN").map("valueFrom", "secretKeyRef"))
                .isEqualTo(Map.of("name", SECRET, "key", "agent-token"));
        assertThat(chart.manifest()).doesNotContain(token(chart, "admin-token"));
    }

    @Test
    void shouldUseAnExistingSecretWithoutCreatingOne() {
        RenderedChart chart = RenderedChart.render(t -> t.set("auth.existingSecret", "ops-tokens"));

        assertThat(chart.has("Secret", SECRET)).isFalse();
        assertThat(chart.has("Secret", "ops-tokens")).isFalse();
        assertThat(chart.get("StatefulSet", "tp-tokenplane-bms")
                        .named("bms", "spec", "template", "spec", "containers")
                        .env()
                        .get("BMS_ADMIN_TOKEN")
                        .string("valueFrom", "secretKeyRef", "name"))
                .isEqualTo("ops-tokens");
    }

    private static String token(RenderedChart chart, String key) {
        String encoded = chart.get("Secret", SECRET).string("data", key);
        return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
