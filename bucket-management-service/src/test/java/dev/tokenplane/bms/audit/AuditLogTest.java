package dev.tokenplane.bms.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsMain;
import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.http.Access;
import dev.tokenplane.bms.http.ApiRouter;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.LogCapture;
import dev.tokenplane.bms.support.TestCluster;
import dev.tokenplane.bms.support.TestSettings;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit log over real HTTP: one record per admin write, readable from any member, kept across restarts, bounded. */
class AuditLogTest {

    /** Every record from {@code since}, following the pages. */
    static List<JsonNode> audit(Api api, String since, int pageSize) {
        List<JsonNode> all = new ArrayList<>();
        String cursor = null;
        do {
            Api.Response r = api.get(
                    "/v1/audit?since=" + since + "&limit=" + pageSize + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            r.json().get("records").forEach(all::add);
            cursor = r.json().get("nextCursor").isNull()
                    ? null
                    : r.json().get("nextCursor").asText();
        } while (cursor != null);
        return all;
    }

    static List<String> summary(List<JsonNode> records) {
        return records.stream()
                .map(r -> r.get("method").asText() + " " + r.get("path").asText() + " "
                        + r.get("status").asInt() + " " + r.get("versionBefore").asText() + "->"
                        + r.get("versionAfter").asText() + " by "
                        + r.get("credential").asText())
                .toList();
    }

    @Test
    void shouldRecordEveryKindOfAdminWriteOnceReadableFromAnyMemberAndAfterARestart() throws Exception {
        LogCapture logs = LogCapture.install();
        try (TestCluster cluster = new TestCluster(2)) {
            cluster.start(0, BmsMain.options());
            cluster.start(1, BmsMain.options());
            Api first = cluster.api(0);
            String since = Instant.now().toString();

            // When the admin writes rules, overrides and pool settings on the first member (one write refused)
            Map<String, Object> rule = Map.of("match", "au:*", "capacity", 5, "refillPerSecond", 1);
            assertThat(first.put("/v1/rules/au-rule", rule).status()).isEqualTo(201);
            assertThat(first.put("/v1/rules/au-rule", Map.of("match", "au:*", "capacity", 6, "refillPerSecond", 1))
                            .status())
                    .isEqualTo(200);
            assertThat(first.send("PUT", "/v1/rules/au-rule", rule, true, "If-Match", "\"1\"")
                            .status())
                    .isEqualTo(409);
            assertThat(first.put("/v1/buckets/au:k/override", Map.of("capacity", 50, "refillPerSecond", 5))
                            .status())
                    .isEqualTo(201);
            assertThat(first.delete("/v1/buckets/au:k/override").status()).isEqualTo(204);
            assertThat(first.put("/v1/pools/au-pool/settings", Map.of("weight", 2))
                            .status())
                    .isEqualTo(201);
            assertThat(first.delete("/v1/pools/au-pool/settings").status()).isEqualTo(204);
            assertThat(first.delete("/v1/rules/au-rule").status()).isEqualTo(204);
            // (reads are not audited)
            first.get("/v1/rules");

            // Then the other member lists one record per write, oldest first, with the credential and versions
            List<String> expected = List.of(
                    "PUT /v1/rules/au-rule 201 null->1 by admin",
                    "PUT /v1/rules/au-rule 200 1->2 by admin",
                    "PUT /v1/rules/au-rule 409 2->2 by admin",
                    "PUT /v1/buckets/au:k/override 201 null->1 by admin",
                    "DELETE /v1/buckets/au:k/override 204 1->null by admin",
                    "PUT /v1/pools/au-pool/settings 201 null->1 by admin",
                    "DELETE /v1/pools/au-pool/settings 204 1->null by admin",
                    "DELETE /v1/rules/au-rule 204 2->null by admin");
            Api second = cluster.api(1);
            Await.until(() -> audit(second, since, 3).size() >= expected.size());
            List<JsonNode> records = audit(second, since, 3);
            assertThat(summary(records)).containsExactlyElementsOf(expected);
            JsonNode created = records.get(0);
            assertThat(created.get("object").asText()).isEqualTo("au-rule");
            assertThat(created.get("route").asText()).isEqualTo("/v1/rules/:ruleId");
            assertThat(created.get("time").asText())
                    .isEqualTo(Instant.ofEpochMilli(created.get("at").asLong()).toString());
            assertThat(records.get(3).get("object").asText()).isEqualTo("au:k");

            // And each write left one line on the audit logger, naming the credential, never the token
            List<String> lines = logs.lines().stream()
                    .filter(l -> l.startsWith(AuditLog.LOGGER + " audit ") && l.contains("au-"))
                    .toList();
            assertThat(lines).hasSize(expected.size() - 2); // two of them name the bucket au:k, not au-
            assertThat(lines.get(0))
                    .contains(
                            "credential=admin",
                            "method=PUT",
                            "path=/v1/rules/au-rule",
                            "status=201",
                            "versionBefore=null",
                            "versionAfter=1");
            assertThat(String.join("\n", logs.lines())).doesNotContain(TestCluster.ADMIN_TOKEN);

            // When the whole cluster restarts (the second member first: the first one's journal is not needed)
            cluster.stop(0);
            cluster.stop(1);
            cluster.start(1, BmsMain.options());

            // Then the records are still there, from the journal on disk
            assertThat(summary(audit(cluster.api(1), since, 100))).containsExactlyElementsOf(expected);
            cluster.start(0, BmsMain.options());
            Await.until(() -> audit(cluster.api(0), since, 100).size() == expected.size());
            assertThat(summary(audit(cluster.api(0), since, 100))).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void shouldAuditEveryAdminRouteOfTheRouter() throws Exception {
        BmsNode node = BmsNode.start(TestSettings.member().build(), BmsMain.options(), InstantSource.system());
        try {
            // Given every admin route of the router (a write route added later is in this list by construction)
            Api api = new Api(node.url(), node.adminToken());
            List<String> called = new ArrayList<>();
            for (Route r : node.router().getRoutes()) {
                if (r.getMetadata(ApiRouter.ACCESS) == Access.ADMIN) {
                    for (HttpMethod m : r.methods()) {
                        // When the admin calls it (whatever the answer: {} may be a bad body for some)
                        String path = r.getPath().replaceAll(":[A-Za-z]+", "ar-x");
                        api.send(m.name(), path, m == HttpMethod.PUT || m == HttpMethod.POST ? "{}" : null, true);
                        called.add(m.name() + " " + r.getPath());
                    }
                }
            }
            assertThat(called).hasSizeGreaterThanOrEqualTo(6);

            // Then each call left exactly one record, naming the route
            Await.until(() -> audit(api, "0", 1000).size() == called.size());
            assertThat(audit(api, "0", 1000))
                    .extracting(
                            r -> r.get("method").asText() + " " + r.get("route").asText())
                    .containsExactlyInAnyOrderElementsOf(called);
        } finally {
            node.stop();
        }
    }

    @Test
    void shouldKeepOnlyTheNewestRecordsOfTheRetentionAcrossARestart() throws Exception {
        TestSettings settings = TestSettings.member().with("BMS_AUDIT_RETENTION", "100");
        BmsNode node = BmsNode.start(settings.build());
        try {
            Api api = new Api(node.url(), node.adminToken());
            for (int i = 1; i <= 130; i++) {
                assertThat(api.put("/v1/rules/rt-rule", Map.of("match", "rt:*", "capacity", i, "refillPerSecond", 1))
                                .status())
                        .isIn(200, 201);
            }
            Await.until(() -> audit(api, "0", 1000).size() == 100
                    && audit(api, "0", 1000).get(0).get("versionAfter").asLong() == 31);
            Await.until(() -> node.hazelcast().getMap(AuditLog.MAP).size() == 100);
        } finally {
            node.stop();
        }
        BmsNode again = BmsNode.start(settings.build());
        try {
            List<JsonNode> kept = audit(new Api(again.url(), again.adminToken()), "0", 30);
            assertThat(kept).hasSize(100);
            assertThat(kept.get(0).get("versionAfter").asLong()).isEqualTo(31);
            assertThat(kept.get(99).get("versionAfter").asLong()).isEqualTo(130);
            Api api = new Api(again.url(), again.adminToken());
            assertThat(api.get("/v1/audit?since=nope").status()).isEqualTo(400);
            assertThat(api.get("/v1/audit?since=" + (System.currentTimeMillis() + 60_000))
                            .json()
                            .get("records"))
                    .isEmpty();
        } finally {
            again.stop();
        }
    }
}
