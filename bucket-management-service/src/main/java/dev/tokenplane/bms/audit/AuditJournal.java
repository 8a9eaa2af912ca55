package dev.tokenplane.bms.audit;

import dev.tokenplane.bms.config.ConfigCodec;
import dev.tokenplane.bms.config.ConfigJournal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * This member's copy of the audit log on disk: the table {@code audit} of the configuration database
 * ({@link ConfigJournal}, so the same durability and one file to back up), keyed by the record id, which sorts by time.
 * Holds at most {@code retention} records: each insert prunes the oldest beyond it.
 *
 * <p>All methods block (disk I/O): call them on a worker, never on an event loop. Thread-safe (serialised by the
 * journal).
 */
public final class AuditJournal {
    private final ConfigJournal journal;
    private final int retention;

    public AuditJournal(ConfigJournal journal, int retention) {
        this.journal = journal;
        this.retention = retention;
        journal.with(c -> {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("CREATE TABLE IF NOT EXISTS audit (id TEXT PRIMARY KEY, at INTEGER NOT NULL, "
                        + "body TEXT NOT NULL)");
            }
            return null;
        });
    }

    /**
     * Keeps {@code records} (ignoring ids already held), then prunes the oldest beyond the retention.
     *
     * @return the ids pruned
     */
    public List<String> insert(List<AuditRecord> records) {
        return journal.with(c -> {
            try (PreparedStatement insert =
                    c.prepareStatement("INSERT OR IGNORE INTO audit (id, at, body) VALUES (?, ?, ?)")) {
                for (AuditRecord r : records) {
                    insert.setString(1, r.id());
                    insert.setLong(2, r.at());
                    insert.setString(3, ConfigCodec.write(r));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            List<String> pruned = new ArrayList<>();
            try (PreparedStatement old =
                    c.prepareStatement("SELECT id FROM audit ORDER BY id DESC LIMIT -1 OFFSET ?")) {
                old.setInt(1, retention);
                try (ResultSet rs = old.executeQuery()) {
                    while (rs.next()) {
                        pruned.add(rs.getString(1));
                    }
                }
            }
            if (!pruned.isEmpty()) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM audit WHERE id <= ?")) {
                    delete.setString(1, pruned.get(0));
                    delete.executeUpdate();
                }
            }
            return pruned;
        });
    }

    /** Up to {@code limit} records with ids after {@code afterId}, oldest first. */
    public List<AuditRecord> after(String afterId, int limit) {
        return journal.with(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT body FROM audit WHERE id > ? ORDER BY id LIMIT ?")) {
                select.setString(1, afterId);
                select.setInt(2, limit);
                List<AuditRecord> records = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        records.add(ConfigCodec.read(rs.getString(1), AuditRecord.class));
                    }
                }
                return records;
            }
        });
    }

    /** Every record held, oldest first (at start, to merge into the cluster's copy). */
    public List<AuditRecord> all() {
        return after("", Integer.MAX_VALUE);
    }

    public int retention() {
        return retention;
    }
}
