package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigJournalTest {

    @Test
    void shouldSyncEveryCommitAndKeepTheHigherVersionIncludingTombstones(@TempDir Path dir) {
        try (ConfigJournal journal = ConfigJournal.open(dir)) {
            // Given a record at version 2
            assertThat(journal.synchronousMode()).isEqualTo(2); // FULL: fsync on every commit
            assertThat(journal.upsert(ConfigKind.RULE, new ConfigRecord("r", 2, 10, false, "{\"v\":2}")))
                    .isTrue();

            // When an older version and then a newer tombstone arrive
            boolean older = journal.upsert(ConfigKind.RULE, new ConfigRecord("r", 1, 5, false, "{\"v\":1}"));
            boolean tombstone = journal.upsert(ConfigKind.RULE, new ConfigRecord("r", 3, 20, true, null));

            // Then only the tombstone replaced it
            assertThat(older).isFalse();
            assertThat(tombstone).isTrue();
        }
        try (ConfigJournal reopened = ConfigJournal.open(dir)) {
            assertThat(reopened.load(ConfigKind.RULE)).containsExactly(new ConfigRecord("r", 3, 20, true, null));
            assertThat(reopened.load(ConfigKind.OVERRIDE)).isEmpty();
        }
    }
}
