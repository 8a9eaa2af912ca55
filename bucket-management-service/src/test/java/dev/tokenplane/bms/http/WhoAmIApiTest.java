package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/whoami, and what the read-only token may do with the operators' endpoints (read them, write none). */
class WhoAmIApiTest {
    static final String READ = "wh-read-token-0123456789abcdef";
    private static BmsNode node;
    private static Api admin;
    private static Api read;

    @BeforeAll
    static void start() throws Exception {
        node = BmsNode.start(TestSettings.member().with("BMS_READ_TOKEN", READ).build());
        admin = new Api(node.url(), node.adminToken());
        read = new Api(node.url(), READ);
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @Test
    void shouldTellEachCredentialItsRole() {
        JsonNode a = admin.get("/v1/whoami").json();
        assertThat(a.get("credential").asText()).isEqualTo("admin");
        assertThat(a.get("role").asText()).isEqualTo("admin");
        assertThat(a.get("canWrite").asBoolean()).isTrue();

        JsonNode r = read.get("/v1/whoami").json();
        assertThat(r.get("role").asText()).isEqualTo("read");
        assertThat(r.get("canWrite").asBoolean()).isFalse();
        assertThat(read.getAnonymous("/v1/whoami").status()).isEqualTo(401);
        assertThat(new Api(node.url(), "not-a-token-0123456789")
                        .get("/v1/whoami")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void shouldLetTheReadOnlyTokenReadStatsAndOverridesButApplyNoRuleSet() {
        assertThat(read.get("/v1/stats").status()).isEqualTo(200);
        assertThat(read.get("/v1/overrides").status()).isEqualTo(200);

        Api.Response dryRun = read.put("/v1/rules?dryRun=true", Map.of("rules", List.of()));
        assertThat(dryRun.status()).isEqualTo(403);
        assertThat(dryRun.json().get("error").asText()).isEqualTo("forbidden");
    }
}
