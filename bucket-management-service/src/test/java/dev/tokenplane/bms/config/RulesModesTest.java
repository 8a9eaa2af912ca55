package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.LogCapture;
import dev.tokenplane.bms.support.TestCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code BMS_RULES_MODE} over HTTP, across a restart of the member on the same data directory: seed never undoes an
 * operator's change; sync makes the file the truth of its rules, without a restart, and refuses API writes to them.
 */
class RulesModesTest {

    private static void writeRules(Path file, String... rules) throws IOException {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (String r : rules) {
            String[] idAndCapacity = r.split("=");
            yaml.append("  - id: ")
                    .append(idAndCapacity[0])
                    .append('\n')
                    .append("    match: \"")
                    .append(idAndCapacity[0])
                    .append(":*\"\n")
                    .append("    capacity: ")
                    .append(idAndCapacity[1])
                    .append('\n')
                    .append("    refillPerSecond: 1\n");
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(
                tmp,
                file,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static long capacity(Api api, String rule) {
        return api.get("/v1/rules/" + rule).json().get("capacity").asLong();
    }

    /** A rules file next to (not in) the first member's data directory. */
    private static Path rulesFile(TestCluster cluster) {
        Path data = cluster.settings(0).dataDir();
        return data.resolveSibling(data.getFileName() + "-rules.yaml");
    }

    private static Map<String, Object> rule(String id, int capacity) {
        return Map.of("match", id + ":*", "capacity", capacity, "refillPerSecond", 1);
    }

    @Test
    void seedShouldCreateOnlyRulesTheClusterNeverHadAndKeepApiChangesAcrossARestart() throws Exception {
        try (TestCluster cluster = new TestCluster(1)) {
            Path file = rulesFile(cluster);
            writeRules(file, "sa=10", "sb=20");
            cluster.settings(0).with("BMS_RULES_FILE", file.toString()); // seed is the default mode
            cluster.start(0);
            Api api = cluster.api(0);
            assertThat(capacity(api, "sa")).isEqualTo(10);
            assertThat(capacity(api, "sb")).isEqualTo(20);

            // When an operator changes one file rule and deletes the other through the API
            assertThat(api.put("/v1/rules/sa", rule("sa", 99)).status()).isEqualTo(200);
            assertThat(api.delete("/v1/rules/sb").status()).isEqualTo(204);
            // and the member restarts on its data directory, with a new rule added to the file
            writeRules(file, "sa=10", "sb=20", "sc=30");
            cluster.stop(0);
            cluster.start(0);
            Api again = cluster.api(0);

            // Then the change and the delete stand, and only the new rule was created
            assertThat(capacity(again, "sa")).isEqualTo(99);
            assertThat(again.get("/v1/rules/sa").json().get("version").asLong()).isEqualTo(2);
            assertThat(again.get("/v1/rules/sb").status()).isEqualTo(404);
            assertThat(capacity(again, "sc")).isEqualTo(30);
            assertThat(again.put("/v1/rules/sc", rule("sc", 31)).status()).isEqualTo(200); // seeded rules are editable
        }
    }

    @Test
    void syncShouldMakeTheFileTheTruthOfItsRulesWithoutARestartAndRefuseApiWritesToThem() throws Exception {
        try (TestCluster cluster = new TestCluster(1)) {
            Path file = rulesFile(cluster);
            writeRules(file, "ya=10", "yb=20", "yc=30");
            cluster.settings(0).with("BMS_RULES_FILE", file.toString()).with("BMS_RULES_MODE", "sync");
            cluster.start(0);
            Api api = cluster.api(0);
            assertThat(capacity(api, "ya")).isEqualTo(10);

            // The API shows which rules the file owns, refuses to write them, and leaves them as they are
            assertThat(api.get("/v1/rules/ya").json().get("managedBy").asText()).isEqualTo("file");
            assertThat(api.get("/v1/rules").json().get("rules").findValuesAsText("managedBy"))
                    .hasSize(3);
            Api.Response put = api.put("/v1/rules/ya", rule("ya", 99));
            assertThat(put.status()).isEqualTo(409);
            assertThat(put.json().get("error").asText()).isEqualTo("managed_by_file");
            assertThat(api.delete("/v1/rules/yb").json().get("error").asText()).isEqualTo("managed_by_file");
            assertThat(capacity(api, "ya")).isEqualTo(10);
            assertThat(capacity(api, "yb")).isEqualTo(20);
            // nor through a rule set: it answers 409 managed_by_file and keeps nothing of the set
            Api.Response set = api.put(
                    "/v1/rules",
                    Map.of(
                            "rules",
                            java.util.List.of(
                                    Map.of("id", "y-new", "match", "y-new:*", "capacity", 1, "refillPerSecond", 1),
                                    Map.of("id", "ya", "match", "ya:*", "capacity", 98, "refillPerSecond", 1))));
            assertThat(set.status()).as("%s", set).isEqualTo(409);
            assertThat(set.json().get("error").asText()).isEqualTo("managed_by_file");
            assertThat(api.get("/v1/rules/y-new").status()).isEqualTo(404);
            assertThat(capacity(api, "ya")).isEqualTo(10);
            // but rules of its own stay the API's
            assertThat(api.put("/v1/rules/y-api", rule("y-api", 7)).status()).isEqualTo(201);
            assertThat(api.get("/v1/rules/y-api").json().has("managedBy")).isFalse();
            String echoed = api.get("/v1/rules/ya").body(); // a GET sent back as is: refused for what it is
            assertThat(api.put("/v1/rules/ya", echoed).json().get("error").asText())
                    .isEqualTo("managed_by_file");

            // When the file changes, with no restart: one rule changed, one removed, one added
            writeRules(file, "ya=11", "yc=30", "yd=40");
            // (one apply writes the file's rules, then deletes the removed ones: wait for its end)
            Await.until(() -> api.get("/v1/rules/yd").status() == 200
                    && api.get("/v1/rules/yb").status() == 404);
            assertThat(capacity(api, "ya")).isEqualTo(11);
            assertThat(api.get("/v1/rules/yc").json().get("version").asLong()).isEqualTo(1); // unchanged: not written

            // A file that is not valid leaves the rules as they are
            LogCapture logs = LogCapture.install();
            Files.writeString(file, "rules: [ {id: broken");
            Await.until(() -> logs.lines().stream().anyMatch(l -> l.contains("Rules file " + file + " not applied")));
            assertThat(capacity(api, "ya")).isEqualTo(11);
            assertThat(capacity(api, "yd")).isEqualTo(40);
            assertThat(api.getAnonymous("/metrics").body()).contains("\nbms_rules_file_refused 1.0");
            // and a good file again clears it
            writeRules(file, "ya=11", "yc=30", "yd=40");
            Await.until(() -> api.getAnonymous("/metrics").body().contains("\nbms_rules_file_refused 0.0"));

            // When the member is down, rules leave the file, and it starts again on its data directory
            cluster.stop(0);
            writeRules(file, "ya=12");
            cluster.start(0);
            Api again = cluster.api(0);

            // Then the file's rules are as the file says, and the API's rule stayed
            assertThat(capacity(again, "ya")).isEqualTo(12);
            assertThat(again.get("/v1/rules/yc").status()).isEqualTo(404);
            assertThat(again.get("/v1/rules/yd").status()).isEqualTo(404);
            assertThat(capacity(again, "y-api")).isEqualTo(7);
            assertThat(again.put("/v1/rules/ya", rule("ya", 99))
                            .json()
                            .get("error")
                            .asText())
                    .isEqualTo("managed_by_file");
        }
    }

    @Test
    void syncShouldHoldOnEveryMemberAndKeepADeleteMadeWhileAMemberWasDown() throws Exception {
        try (TestCluster cluster = new TestCluster(2)) {
            Path file = rulesFile(cluster);
            writeRules(file, "za=10", "zb=20");
            for (int i = 0; i < 2; i++) {
                cluster.settings(i).with("BMS_RULES_FILE", file.toString()).with("BMS_RULES_MODE", "sync");
            }
            cluster.start(0);
            cluster.start(1);

            // The member that did not write the rule refuses too (the owner of the entry decides)
            assertThat(cluster.api(1)
                            .put("/v1/rules/za", rule("za", 99))
                            .json()
                            .get("error")
                            .asText())
                    .isEqualTo("managed_by_file");

            // When one member is down and a rule leaves the file, the member still up deletes it
            cluster.stop(0);
            writeRules(file, "za=10");
            Api up = cluster.api(1);
            Await.until(() -> up.get("/v1/rules/zb").status() == 404);

            // Then the member that comes back from its older disk does not bring the rule back
            cluster.start(0);
            for (int i = 0; i < 2; i++) {
                assertThat(cluster.api(i).get("/v1/rules/zb").status()).isEqualTo(404);
                assertThat(capacity(cluster.api(i), "za")).isEqualTo(10);
            }
        }
    }
}
