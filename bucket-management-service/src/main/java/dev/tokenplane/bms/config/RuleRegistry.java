package dev.tokenplane.bms.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

/**
 * The rules, replicated and persisted, with this member's compiled {@link RuleIndex}. The index is rebuilt on every
 * change the member sees (its own writes at once, other members' through the map's entry events), so matching a key
 * never makes a remote call.
 *
 * <p>Thread-safe.
 */
public final class RuleRegistry {
    private final ReplicatedConfig config;
    private final boolean fileOwnsItsRules;
    private volatile RuleIndex index = RuleIndex.EMPTY;

    public RuleRegistry(ReplicatedConfig config) {
        this(config, false);
    }

    /**
     * @param fileOwnsItsRules the rules file is the source of truth of the rules it wrote ({@code BMS_RULES_MODE=sync}):
     *                         {@link #put} and {@link #delete} leave them alone ({@link ConfigWrite.Outcome#MANAGED})
     */
    public RuleRegistry(ReplicatedConfig config, boolean fileOwnsItsRules) {
        this.config = config;
        this.fileOwnsItsRules = fileOwnsItsRules;
        config.onChange(r -> rebuild());
    }

    /** The current compiled rules. */
    public RuleIndex index() {
        return index;
    }

    /** The rule with {@code id}, or null. */
    public Rule get(String id) {
        RuleIndex.Entry e = index.byId(id);
        return e == null ? null : e.rule();
    }

    /** Every rule, by id. */
    public List<Rule> all() {
        return index.entries().stream()
                .map(RuleIndex.Entry::rule)
                .sorted(Comparator.comparing(Rule::id))
                .toList();
    }

    /** Whether the cluster has never held any rule (no tombstone either): a first start. */
    public boolean neverHadRules() {
        return config.isEmpty();
    }

    /**
     * Creates or replaces {@code rule} (its version and time are assigned by the owner).
     *
     * @param expectedVersion the {@code If-Match} version, {@link ReplicatedConfig#EXISTS} or
     *                        {@link ReplicatedConfig#ANY_VERSION}
     */
    public CompletionStage<ConfigWrite> put(Rule rule, long expectedVersion, boolean skipIfUnchanged, long nowMillis) {
        return config.write(
                rule.id(),
                ConfigCodec.write(rule.withVersion(0, 0)),
                expectedVersion,
                skipIfUnchanged,
                nowMillis,
                fileOwnsItsRules);
    }

    /** Deletes the rule {@code id}, leaving a tombstone. */
    public CompletionStage<ConfigWrite> delete(String id, long expectedVersion, long nowMillis) {
        return config.write(id, null, expectedVersion, false, nowMillis, fileOwnsItsRules);
    }

    /** Creates {@code rule} only if its id never held a rule, not even a deleted one (a rules file's seed). */
    public CompletionStage<ConfigWrite> seed(Rule rule, long nowMillis) {
        return config.write(
                rule.id(), ConfigCodec.write(rule.withVersion(0, 0)), ReplicatedConfig.NEVER_WRITTEN, false, nowMillis);
    }

    /** Creates or replaces {@code rule} as owned by the rules file; an equal owned rule is left alone. */
    public CompletionStage<ConfigWrite> putOwnedByFile(Rule rule, long nowMillis) {
        ObjectNode body = ConfigCodec.MAPPER.valueToTree(rule.withVersion(0, 0));
        body.put(ConfigProcessors.MANAGED_BY, "file");
        return config.write(rule.id(), ConfigCodec.write(body), ReplicatedConfig.ANY_VERSION, true, nowMillis);
    }

    /** Deletes the file-owned rule {@code id} if it is still at {@code version}. */
    public CompletionStage<ConfigWrite> deleteOwnedByFile(String id, long version, long nowMillis) {
        return config.write(id, null, version, false, nowMillis);
    }

    /**
     * Puts back {@code before} (a record as stored, file-owned or not; null or a tombstone: deletes) over the rule
     * {@code id} if it is still at {@code expectedVersion}: the undo of a rules file's write.
     */
    public CompletionStage<ConfigWrite> restore(String id, ConfigRecord before, long expectedVersion, long nowMillis) {
        String body = before == null || before.deleted() ? null : before.body();
        return config.write(id, body, expectedVersion, false, nowMillis);
    }

    /** Whether the rules file owns the rule {@code id} and the API may not write it (sync mode only). */
    public boolean lockedByFile(String id) {
        ConfigRecord r = config.live(id);
        return fileOwnsItsRules && r != null && ConfigProcessors.managed(r.body());
    }

    /** The live rules the rules file owns, id to version (this member's copy). */
    public Map<String, Long> ownedByFile() {
        Map<String, Long> owned = new TreeMap<>();
        for (ConfigRecord r : config.live()) {
            if (ConfigProcessors.managed(r.body())) {
                owned.put(r.id(), r.version());
            }
        }
        return owned;
    }

    /** Writes a changed record to this member's disk. Blocks: call it on a worker. */
    public void persist(ConfigRecord record) {
        config.persist(record);
    }

    /** {@link ReplicatedConfig#persistOrRetry}: to disk now, or in the background; never rolled back. */
    public void persistOrRetry(ConfigRecord record) {
        config.persistOrRetry(record);
    }

    private synchronized void rebuild() {
        // Reads the local copy after the change that triggered it, so the last rebuild always sees the latest state.
        index = RuleIndex.of(config.live().stream().map(ConfigCodec::rule).toList());
    }

    /**
     * Makes an acknowledged write durable on this member, or rolls it back and fails with
     * {@link ReplicatedConfig.NotDurableException}. Blocks: call it on a worker.
     */
    public void durable(ConfigWrite write) {
        config.durable(write);
    }
}
