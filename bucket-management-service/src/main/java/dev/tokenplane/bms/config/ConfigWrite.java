package dev.tokenplane.bms.config;

/**
 * What a write of replicated configuration did, the record the key holds afterwards (null when there is none), and
 * the one it replaced when it changed it (null when there was none): what a rollback restores.
 */
public record ConfigWrite(Outcome outcome, ConfigRecord record, ConfigRecord previous) {

    public ConfigWrite(Outcome outcome, ConfigRecord record) {
        this(outcome, record, null);
    }

    /** The outcomes of a write; {@code MANAGED}: refused, the rules file owns the entry. */
    public enum Outcome {
        CREATED,
        REPLACED,
        UNCHANGED,
        DELETED,
        CONFLICT,
        NOT_FOUND,
        MANAGED
    }

    /** Whether the write changed the stored record (so it must reach the disk before the answer). */
    public boolean changed() {
        return outcome == Outcome.CREATED || outcome == Outcome.REPLACED || outcome == Outcome.DELETED;
    }
}
