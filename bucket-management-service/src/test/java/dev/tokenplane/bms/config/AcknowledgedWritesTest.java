package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.support.TestSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, point 3, on any machine: a write is acknowledged only once the answering member's journal holds it. Here
 * the journal fails because it has been closed (every write then throws, as on a failing disk); the tmpfs test
 * ({@code FullDiskTest}) fills a real disk.
 */
class AcknowledgedWritesTest {
    private HazelcastInstance hazelcast;
    private ConfigJournal journal;
    private ReplicatedConfig rules;
    /** The background retries, with their delays, run only when the test says. */
    private final List<Long> delays = new ArrayList<>();

    private final List<Runnable> retries = new ArrayList<>();

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        hazelcast = Hazelcast.newHazelcastInstance(
                HazelcastMember.config(TestSettings.member().build(), "a-cluster-secret-for-this-test"));
        journal = ConfigJournal.open(dir);
        rules = new ReplicatedConfig(ConfigKind.RULE, hazelcast, journal, Runnable::run, (delayMs, task) -> {
            delays.add(delayMs);
            retries.add(task);
        });
        rules.start();
    }

    @AfterEach
    void stop() {
        rules.close();
        journal.close();
        hazelcast.shutdown();
    }

    private ConfigWrite write(String id, String body) throws Exception {
        return rules.write(id, body, ReplicatedConfig.ANY_VERSION, false, 1000)
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void shouldAcknowledgeAWriteOnlyOnceItIsOnDisk() throws Exception {
        ConfigWrite w = write("kept", "{\"v\":1}");

        rules.durable(w);

        assertThat(journal.load(ConfigKind.RULE)).extracting(ConfigRecord::id).contains("kept");
        assertThat(journal.failure()).isEmpty();
    }

    @Test
    void shouldRollBackAWriteTheJournalRefusesAndRetryTheDiskWithBackoff() throws Exception {
        // Given a rule at version 1, on disk
        rules.durable(write("r", "{\"v\":1}"));
        // When the journal fails and the rule is replaced
        journal.close();
        ConfigWrite replaced = write("r", "{\"v\":2}");

        // Then the write is refused, says why, and leaves the rule as it was (a new version with the old body)
        assertThatThrownBy(() -> rules.durable(replaced))
                .isInstanceOf(ReplicatedConfig.NotDurableException.class)
                .hasMessageContaining("rule 'r' was not written")
                .hasMessageContaining("nothing changed");
        assertThat(rules.live("r").body()).isEqualTo("{\"v\":1}");
        assertThat(rules.live("r").version()).isEqualTo(3);
        assertThat(ConfigCodec.record(hazelcast
                                .<String, String>getMap(ConfigKind.RULE.mapName())
                                .get("r"))
                        .body())
                .isEqualTo("{\"v\":1}");
        // and the member knows its journal is failing (its readiness reads this)
        assertThat(journal.failure()).get().asString().contains("cannot write");

        // and the disk is retried in the background, with a growing delay while it keeps failing
        assertThat(delays).isNotEmpty().first().isEqualTo(ReplicatedConfig.FIRST_RETRY_MS);
        retries.get(0).run();
        assertThat(delays.get(delays.size() - 1)).isEqualTo(2 * ReplicatedConfig.FIRST_RETRY_MS);
    }

    @Test
    void shouldRollBackACreationToNoRule() throws Exception {
        journal.close();
        ConfigWrite created = write("new", "{\"v\":1}");

        assertThatThrownBy(() -> rules.durable(created)).isInstanceOf(ReplicatedConfig.NotDurableException.class);
        assertThat(rules.live("new")).isNull();
    }
}
