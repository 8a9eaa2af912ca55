package dev.tokenplane.bms.config;

import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.rules.RuleIndex;

import java.util.Comparator;
import java.util.List;
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
    private volatile RuleIndex index = RuleIndex.EMPTY;

    public RuleRegistry(ReplicatedConfig config) {
        this.config = config;
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
        return index.entries().stream().map(RuleIndex.Entry::rule).sorted(Comparator.comparing(Rule::id)).toList();
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
    public CompletionStage<ConfigWrite> put(Rule rule, long expectedVersion, boolean skipIfUnchanged,
                                            long nowMillis) {
        return config.write(rule.id(), ConfigCodec.write(rule.withVersion(0, 0)), expectedVersion, skipIfUnchanged,
                nowMillis);
    }

    /** Deletes the rule {@code id}, leaving a tombstone. */
    public CompletionStage<ConfigWrite> delete(String id, long expectedVersion, long nowMillis) {
        return config.write(id, null, expectedVersion, false, nowMillis);
    }

    /** Writes a changed record to this member's disk. Blocks: call it on a worker. */
    public void persist(ConfigRecord record) {
        config.persist(record);
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
