package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.TestSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Scoped credentials over real HTTP, on a member whose admin and read-only tokens come from files
 * ({@code BMS_ADMIN_TOKEN_FILE}, {@code BMS_READ_TOKEN_FILE}), with the fleet-wide {@code BMS_AGENT_TOKEN} and named
 * agent tokens bound to server globs ({@code BMS_AGENT_TOKENS_FILE}, one by its token, one by its SHA-256).
 */
class ScopedCredentialsTest {
    static final String ADMIN = "sc-admin-token-0123456789abcdef";
    static final String READ = "sc-read-token-0123456789abcdef";
    static final String FLEET = "sc-fleet-agent-token-0123456789";
    static final String WEB = "sc-web-agent-token-0123456789";
    static final String DB = "sc-db-agent-token-0123456789";

    static BmsNode node;
    static Api admin;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("scoped");
        Path adminFile = Files.writeString(dir.resolve("admin"), ADMIN + "\n");
        Path readFile = Files.writeString(dir.resolve("read"), READ + "\n");
        String dbSha = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(DB.getBytes(StandardCharsets.UTF_8)));
        Path agents = Files.writeString(
                dir.resolve("agents.yaml"),
                ""
                        + "- name: web-fleet\n  token: " + WEB + "\n  servers: web-*\n"
                        + "- name: databases\n  tokenSha256: " + dbSha + "\n  servers: [db-1, db-2]\n");
        node = BmsNode.start(
                TestSettings.member()
                        .with("BMS_ADMIN_TOKEN_FILE", adminFile.toString())
                        .with("BMS_READ_TOKEN_FILE", readFile.toString())
                        .with("BMS_AGENT_TOKEN", FLEET)
                        .with("BMS_AGENT_TOKENS_FILE", agents.toString())
                        .build(),
                BmsMain.options(),
                InstantSource.system());
        admin = new Api(node.url(), ADMIN);
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    /** Every route of the router with {@code access}, its path parameters filled in. */
    static List<String[]> routes(Access access) {
        List<String[]> routes = new ArrayList<>();
        for (Route r : node.router().getRoutes()) {
            if (r.getMetadata(ApiRouter.ACCESS) == access) {
                String path = r.getPath().replaceAll(":[A-Za-z]+", "sc-x");
                for (HttpMethod m : r.methods()) {
                    routes.add(new String[] {m.name(), path});
                }
            }
        }
        return routes;
    }

    static Api.Response call(String method, String path, String token) {
        Object body = method.equals("PUT") || method.equals("POST") ? "{}" : null;
        return admin.send(method, path, body, false, "Authorization", "Bearer " + token);
    }

    @Test
    void shouldTakeTheAdminTokenFromItsFile() {
        assertThat(admin.get("/v1/rules").status()).isEqualTo(200);
        assertThat(node.adminToken()).isEqualTo(ADMIN);
    }

    @Test
    void shouldLetTheReadOnlyTokenReadEveryReadRoute() {
        List<String[]> reads = routes(Access.READ);
        assertThat(reads)
                .extracting(r -> r[1])
                .contains("/v1/rules", "/v1/buckets", "/v1/agents", "/v1/audit", "/v1/pools/sc-x");
        for (String[] r : reads) {
            Api.Response answer = call(r[0], r[1], READ);
            assertThat(answer.status()).as(r[0] + " " + r[1] + ": " + answer).isIn(200, 404);
        }
    }

    @Test
    void shouldRefuseEveryWriteRouteToTheReadOnlyAndAgentTokensWith403() {
        // Given every admin route of the router (a new write route is in this list by construction)
        List<String[]> writes = routes(Access.ADMIN);
        assertThat(writes)
                .extracting(r -> r[0] + " " + r[1])
                .contains(
                        "PUT /v1/rules/sc-x",
                        "DELETE /v1/rules/sc-x",
                        "PUT /v1/buckets/sc-x/override",
                        "DELETE /v1/buckets/sc-x/override",
                        "PUT /v1/pools/sc-x/settings",
                        "DELETE /v1/pools/sc-x/settings");
        for (String[] r : writes) {
            for (String token : List.of(READ, FLEET, WEB)) {
                // When a credential that may not write calls it
                Api.Response answer = call(r[0], r[1], token);

                // Then it is told it is forbidden, with the contract's error shape
                assertThat(answer.status())
                        .as(r[0] + " " + r[1] + ": " + answer)
                        .isEqualTo(403);
                assertThat(answer.json().get("error").asText()).isEqualTo("forbidden");
                assertThat(answer.body()).doesNotContain(token);
            }
        }
        // And nothing was written
        assertThat(admin.get("/v1/rules/sc-x").status()).isEqualTo(404);
        assertThat(admin.get("/v1/pools/sc-x").status()).isEqualTo(404);
        // A wrong token is still 401
        assertThat(call("PUT", "/v1/rules/sc-x", "sc-not-a-token-0123456789").status())
                .isEqualTo(401);
    }

    @Test
    void shouldRefuseAgentReportsAndReadsToTheReadOnlyToken() {
        assertThat(call("POST", "/v1/agents/web-9/reports", READ).status()).isEqualTo(403);
        assertThat(call("GET", "/v1/agents", WEB).status()).isEqualTo(403);
    }

    @Test
    void shouldTakeReportsOnlyForTheServersAnAgentTokenIsBoundTo() {
        // web-* token
        assertThat(report("web-1", WEB).status()).isEqualTo(202);
        Api.Response other = report("db-1", WEB);
        assertThat(other.status()).as(other.toString()).isEqualTo(403);
        assertThat(other.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(other.json().get("message").asText()).contains("web-fleet").contains("web-*");
        assertThat(report("webby", WEB).status()).isEqualTo(403);
        // token given by its SHA-256 only, bound to a list
        assertThat(report("db-2", DB).status()).isEqualTo(202);
        assertThat(report("db-3", DB).status()).isEqualTo(403);
        // BMS_AGENT_TOKEN and the admin token report for any server
        assertThat(report("db-3", FLEET).status()).isEqualTo(202);
        assertThat(report("anything-1", ADMIN).status()).isEqualTo(202);

        JsonNode agents = admin.get("/v1/agents").json().get("agents");
        assertThat(agents.findValuesAsText("serverId"))
                .contains("web-1", "db-2", "db-3")
                .doesNotContain("db-1", "webby");
    }

    static Api.Response report(String server, String token) {
        return admin.send(
                "POST",
                "/v1/agents/" + server + "/reports",
                AgentsApiTest.report(0.3),
                false,
                "Authorization",
                "Bearer " + token);
    }
}
