package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.Await;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.bms.support.TinyTmpfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 3, for the rules file ({@code BMS_RULES_MODE=sync}) on a real full disk, as {@link FullDiskTest} for
 * the API: a member whose data directory is a 2 MiB tmpfs, filled up, reads a new version of its rules file. Nothing of
 * it may serve (each write durable or rolled back, the earlier ones undone); once space is freed the next poll applies
 * the whole file. Skipped, saying so, where mounting a tmpfs is not permitted.
 */
class RulesFileFullDiskTest {
    private Path dataDir;
    private Path rulesFile;
    private TinyTmpfs disk;
    private BmsNode node;

    @BeforeEach
    void mountTmpfs() throws Exception {
        disk = TinyTmpfs.mountOrSkip("bms-rules-full-disk");
        dataDir = disk.dir();
        rulesFile = dataDir.resolveSibling(dataDir.getFileName() + "-rules.yaml");
    }

    @AfterEach
    void unmount() throws Exception {
        if (node != null) {
            node.stop();
        }
        if (disk != null) {
            disk.close();
        }
        if (rulesFile != null) {
            Files.deleteIfExists(rulesFile);
        }
    }

    /** Replaces the rules file at once (as a ConfigMap update does), with rules {@code id=capacity}. */
    private void writeRules(String... idAndCapacity) throws IOException {
        StringBuilder yaml = new StringBuilder("rules:\n");
        for (String rule : idAndCapacity) {
            String[] parts = rule.split("=");
            yaml.append("  - id: ").append(parts[0]).append('\n');
            yaml.append("    match: \"").append(parts[0]).append(":*\"\n");
            yaml.append("    capacity: ").append(parts[1]).append('\n');
            yaml.append("    refillPerSecond: 1\n");
        }
        Path tmp = rulesFile.resolveSibling(rulesFile.getFileName() + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, rulesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static long capacity(Api api, String rule) {
        return api.get("/v1/rules/" + rule).json().get("capacity").asLong();
    }

    @Test
    void shouldApplyTheRulesFileAllOrNothingWhenTheJournalCannotWrite() throws Exception {
        writeRules("fa=10", "fb=20");
        node = BmsNode.start(TestSettings.member()
                .with("BMS_DATA_DIR", dataDir.toString())
                .with("BMS_RULES_FILE", rulesFile.toString())
                .with("BMS_RULES_MODE", "sync")
                .build());
        Api api = new Api(node.url(), node.adminToken());
        assertThat(capacity(api, "fa")).isEqualTo(10);

        // Given a full disk
        Path filler = disk.fill();

        // When the file changes: one rule changed, one removed, two added
        writeRules("fa=11", "fc=30", "fd=40");

        // Then the member stops being ready once a poll met the full disk, and nothing of the new file serves (the
        // write the disk refused is rolled back: without that fa stays at 11 and this wait fails)
        Await.until(() -> api.getAnonymous("/health/ready").status() == 503 && capacity(api, "fa") == 10);
        assertThat(capacity(api, "fb")).isEqualTo(20);
        assertThat(api.get("/v1/rules/fc").status()).isEqualTo(404);
        assertThat(api.get("/v1/rules/fd").status()).isEqualTo(404);

        // When space is freed, Then the member is ready again and a poll applies the whole file
        Files.delete(filler);
        Await.until(() -> api.getAnonymous("/health/ready").status() == 200
                && api.get("/v1/rules/fd").status() == 200
                && api.get("/v1/rules/fb").status() == 404);
        assertThat(capacity(api, "fa")).isEqualTo(11);
        assertThat(capacity(api, "fc")).isEqualTo(30);
    }
}
