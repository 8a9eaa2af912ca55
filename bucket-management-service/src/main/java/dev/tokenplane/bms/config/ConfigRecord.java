package dev.tokenplane.bms.config;

/**
 * One versioned entry of the replicated configuration (a rule or an override), as held in Hazelcast and on disk.
 *
 * <p>A delete leaves a tombstone ({@code deleted}, no body) with the next version, so that a member restarting from a
 * stale disk cannot bring back a deleted entry or roll back a newer one: everywhere, the higher version wins.
 *
 * @param id        the rule id or bucket key
 * @param version   1 for the first write, then one more per write (a delete included)
 * @param updatedAt epoch millis of the write, on the writing member's clock
 * @param deleted   a tombstone
 * @param body      the entry's JSON (null for a tombstone)
 */
public record ConfigRecord(String id, long version, long updatedAt, boolean deleted, String body) {

    /** Whether this record should replace {@code other}: it is newer, or there is no other. */
    public boolean supersedes(ConfigRecord other) {
        return other == null || version > other.version;
    }

    public boolean live() {
        return !deleted;
    }
}
