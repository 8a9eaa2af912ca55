package dev.tokenplane.bms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BmsSettingsTest {

    @Test
    void shouldNameEveryVariableOfTheContractAndTeam() {
        assertThat(BmsSettings.ENVIRONMENT_VARIABLES)
                .contains(
                        "BMS_PORT",
                        "BMS_HOST",
                        "BMS_DATA_DIR",
                        "BMS_ADMIN_TOKEN",
                        "BMS_CLUSTER_MEMBERS",
                        "BMS_HAZELCAST_PORT",
                        "BMS_SIZING_INTERVAL_MS",
                        "BMS_RULES_FILE",
                        "BMS_AGENT_TOKEN",
                        "BMS_API_KEYS_FILE",
                        "BMS_MAX_BODY_BYTES");
        assertThat(BmsSettings.variable("BMS_DATA_DIR").flag()).isEqualTo("--data-dir");
        assertThat(BmsSettings.variable("BMS_SIZING_INTERVAL_MS").flag()).isEqualTo("--sizing-interval-ms");
    }

    @Test
    void shouldUseTheContractDefaults() {
        BmsSettings s = BmsSettings.defaults();

        assertThat(s.port()).isEqualTo(8080);
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.dataDir().toString()).isEqualTo("./data");
        assertThat(s.adminToken()).isEmpty();
        assertThat(s.clusterMembers()).isEmpty();
        assertThat(s.hazelcastPort()).isEqualTo(5701);
        assertThat(s.sizingIntervalMs()).isEqualTo(1000);
        assertThat(s.maxBodyBytes()).isEqualTo(65536);
    }

    @Test
    void shouldPreferTheFlagOverTheEnvironment() {
        Map<String, String> env = Map.of("BMS_PORT", "9000", "BMS_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2:5701");
        BmsSettings s = BmsSettings.resolve(env::get, Map.of("BMS_PORT", "9001"));

        assertThat(s.port()).isEqualTo(9001);
        assertThat(s.clusterMembers()).containsExactly("10.0.0.1:5701", "10.0.0.2:5701");
    }

    @Test
    void shouldTakeTheHazelcastModeAndNeedTheDataMembersInClientMode() {
        assertThat(BmsSettings.defaults().hazelcastMode()).isEqualTo(BmsSettings.HazelcastMode.EMBEDDED);
        assertThat(BmsSettings.resolve(
                                Map.of("BMS_HAZELCAST_MODE", "client", "BMS_CLUSTER_MEMBERS", "10.0.0.1:5710")::get,
                                Map.of())
                        .hazelcastMode())
                .isEqualTo(BmsSettings.HazelcastMode.CLIENT);
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_HAZELCAST_MODE", "client")::get, Map.of()))
                .hasMessageContaining("BMS_CLUSTER_MEMBERS")
                .hasMessageContaining("BMS_HAZELCAST_MODE=client");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_HAZELCAST_MODE", "lite")::get, Map.of()))
                .hasMessageContaining("BMS_HAZELCAST_MODE");
    }

    @Test
    void shouldOpenTheDecisionPortOnlyWhenItIsSet() {
        assertThat(BmsSettings.defaults().decisionPort()).isEmpty();
        assertThat(BmsSettings.resolve(Map.of("BMS_DECISION_PORT", "")::get, Map.of())
                        .decisionPort())
                .isEmpty();
        assertThat(BmsSettings.resolve(name -> null, Map.of("BMS_DECISION_PORT", "0"))
                        .decisionPort())
                .hasValue(0);
        assertThat(BmsSettings.variable("BMS_DECISION_PORT").flag()).isEqualTo("--decision-port");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_DECISION_PORT", "65536")::get, Map.of()))
                .hasMessage("BMS_DECISION_PORT (--decision-port) must be an integer in [0, 65535], was '65536'");
    }

    @Test
    void shouldStopWithTheVariableAndTheRangeForABadValue() {
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_PORT", "http")::get, Map.of()))
                .hasMessage("BMS_PORT (--port) must be an integer in [0, 65535], was 'http'");
        assertThatThrownBy(() -> BmsSettings.resolve(name -> null, Map.of("BMS_MAX_BODY_BYTES", "10")))
                .hasMessageContaining("BMS_MAX_BODY_BYTES")
                .hasMessageContaining("[1024, 16777216]");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_CLUSTER_MEMBERS", "a:b")::get, Map.of()))
                .hasMessageContaining("BMS_CLUSTER_MEMBERS");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_RULES_FILE", "/nope/rules.yaml")::get, Map.of()))
                .hasMessageContaining("BMS_RULES_FILE")
                .hasMessageContaining("readable file");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_SIZING_INTERVAL_MS", "5")::get, Map.of()))
                .hasMessageContaining("[10, 3600000]");
    }

    @Test
    void shouldTakeSeveralHttpAddressesBindingEachOnce() {
        BmsSettings s = BmsSettings.resolve(Map.of("BMS_HOST", "10.1.2.3, 127.0.0.1,10.1.2.3")::get, Map.of());

        assertThat(s.hosts()).containsExactly("10.1.2.3", "127.0.0.1");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_HOST", "10.1.2.3,,127.0.0.1")::get, Map.of()))
                .hasMessageContaining("BMS_HOST");
        assertThat(BmsSettings.defaults().clientRefusalsPerSecond()).isEqualTo(100);
    }

    @Test
    void shouldTakeTheRulesModeAndTheLogOptionsInAnyCase() {
        BmsSettings defaults = BmsSettings.defaults();
        BmsSettings set = BmsSettings.resolve(
                Map.of("BMS_RULES_MODE", "SYNC", "BMS_LOG_LEVEL", "Debug")::get, Map.of("BMS_LOG_FORMAT", "json"));

        assertThat(defaults.rulesMode()).isEqualTo(BmsSettings.RulesMode.SEED);
        assertThat(defaults.logLevel()).isEqualTo("INFO");
        assertThat(defaults.logFormat()).isEqualTo(BmsSettings.LogFormat.TEXT);
        assertThat(set.rulesMode()).isEqualTo(BmsSettings.RulesMode.SYNC);
        assertThat(set.logLevel()).isEqualTo("DEBUG");
        assertThat(set.logFormat()).isEqualTo(BmsSettings.LogFormat.JSON);
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_RULES_MODE", "merge")::get, Map.of()))
                .hasMessage("BMS_RULES_MODE (--rules-mode) must be one of [seed, sync], was 'merge'");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_LOG_LEVEL", "loud")::get, Map.of()))
                .hasMessage("BMS_LOG_LEVEL (--log-level) must be one of [error, warn, info, debug, trace], was 'loud'");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_LOG_FORMAT", "xml")::get, Map.of()))
                .hasMessageContaining("BMS_LOG_FORMAT (--log-format) must be one of [text, json]");
    }

    @Test
    void shouldNeverRepeatASecretInTheMessage() {
        String shortSecret = "s3cr3t!";
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_ADMIN_TOKEN", shortSecret)::get, Map.of()))
                .hasMessageContaining("BMS_ADMIN_TOKEN")
                .hasMessageNotContaining(shortSecret);
    }

    @Test
    void shouldHaveOneFlagPerVariable() {
        Set<String> flags = new java.util.HashSet<>();
        BmsSettings.VARIABLES.forEach(v -> assertThat(flags.add(v.flag())).isTrue());
        assertThat(flags).hasSameSizeAs(BmsSettings.ENVIRONMENT_VARIABLES);
    }

    @Test
    void shouldReadSecretsFromTheirFileVariants(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path admin =
                java.nio.file.Files.writeString(dir.resolve("admin"), "admin-from-file-0123456789\n");
        java.nio.file.Path read = java.nio.file.Files.writeString(dir.resolve("read"), "read-from-file-0123456789");
        BmsSettings s = BmsSettings.resolve(
                Map.of(
                        "BMS_ADMIN_TOKEN_FILE",
                        admin.toString(),
                        "BMS_READ_TOKEN_FILE",
                        read.toString(),
                        "BMS_AGENT_TOKEN",
                        "agent-from-env-0123456789")::get,
                Map.of());

        assertThat(s.adminToken()).contains("admin-from-file-0123456789");
        assertThat(s.readToken()).contains("read-from-file-0123456789");
        assertThat(s.agentToken()).contains("agent-from-env-0123456789");

        assertThatThrownBy(() -> BmsSettings.resolve(
                        Map.of("BMS_ADMIN_TOKEN_FILE", admin.toString(), "BMS_ADMIN_TOKEN", "admin-from-env-0123456789")
                                ::get,
                        Map.of()))
                .hasMessageContaining("BMS_ADMIN_TOKEN_FILE")
                .hasMessageContaining("both")
                .hasMessageNotContaining("admin-from");
        java.nio.file.Path empty = java.nio.file.Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_READ_TOKEN_FILE", empty.toString())::get, Map.of()))
                .hasMessageContaining("BMS_READ_TOKEN_FILE")
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_AGENT_TOKEN_FILE", "/nope")::get, Map.of()))
                .hasMessageContaining("BMS_AGENT_TOKEN_FILE")
                .hasMessageContaining("readable file");
    }

    @Test
    void shouldBoundTheAgentsAndTheAuditLog() {
        assertThat(BmsSettings.defaults().maxAgents()).isEqualTo(10_000);
        assertThat(BmsSettings.defaults().auditRetention()).isEqualTo(10_000);
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_MAX_AGENTS", "0")::get, Map.of()))
                .hasMessageContaining("BMS_MAX_AGENTS");
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_AUDIT_RETENTION", "99")::get, Map.of()))
                .hasMessageContaining("BMS_AUDIT_RETENTION");
    }

    @Test
    void shouldServeHttpOnOneEventLoopPerCpuUnlessTold() {
        assertThat(BmsSettings.defaults().httpEventLoops()).isZero();
        assertThat(BmsSettings.defaults().httpEventLoopCount())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(BmsSettings.resolve(Map.of("BMS_HTTP_EVENT_LOOPS", "1")::get, Map.of())
                        .httpEventLoopCount())
                .isEqualTo(1);
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_HTTP_EVENT_LOOPS", "-1")::get, Map.of()))
                .hasMessageContaining("BMS_HTTP_EVENT_LOOPS")
                .hasMessageContaining("[0, 256]");
    }

    @Test
    void shouldServeOnNioUnlessToldNative() {
        assertThat(BmsSettings.defaults().networkTransport()).isEqualTo(BmsSettings.NetworkTransport.NIO);
        assertThat(BmsSettings.resolve(Map.of("BMS_NETWORK_TRANSPORT", "native")::get, Map.of())
                        .networkTransport())
                .isEqualTo(BmsSettings.NetworkTransport.NATIVE);
        assertThatThrownBy(() -> BmsSettings.resolve(Map.of("BMS_NETWORK_TRANSPORT", "epoll")::get, Map.of()))
                .hasMessageContaining("BMS_NETWORK_TRANSPORT")
                .hasMessageContaining("[native, nio]");
    }
}
