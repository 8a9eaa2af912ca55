package dev.tokenplane.bms.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sqlite.SQLiteConfig;

/**
 * This member's copy of the whole configuration on disk: SQLite ({@code <data dir>/config.db}) in WAL mode with
 * {@code synchronous=FULL}, so every committed write is fsynced to the WAL before {@link #upsert} returns, and a crash
 * (kill -9, power loss) keeps every write that returned. SQLite rather than a hand-made journal because it already
 * handles torn writes, recovery and compaction, and an operator can inspect the file with the {@code sqlite3} tool.
 *
 * <p>Writes keep the higher version: an older record never replaces a newer one, and tombstones are kept.
 *
 * <p>All methods block (disk I/O): call them from a worker thread, never from an event loop. Thread-safe (one
 * connection, serialised).
 */
public final class ConfigJournal implements AutoCloseable {
    private final Connection connection;
    private static final String UPSERT = "INSERT INTO config (kind, id, version, updated_at, deleted, body) "
            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, "
            + "updated_at = excluded.updated_at, deleted = excluded.deleted, body = excluded.body "
            + "WHERE excluded.version > config.version";
    /** Prepared again after a failed write: the driver leaves a statement that failed unusable. */
    private PreparedStatement upsert;

    private final PreparedStatement select;
    /** Why the last write failed; null once one succeeds again. */
    private volatile String failure;

    private ConfigJournal(Connection connection) throws SQLException {
        this.connection = connection;
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("CREATE TABLE IF NOT EXISTS config ("
                    + "kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, updated_at INTEGER NOT NULL, "
                    + "deleted INTEGER NOT NULL, body TEXT, PRIMARY KEY (kind, id))");
        }
        this.upsert = connection.prepareStatement(UPSERT);
        this.select = connection.prepareStatement(
                "SELECT id, version, updated_at, deleted, body FROM config WHERE kind = ? ORDER BY id");
    }

    /** Opens (creating if needed) the journal under {@code dataDir}. */
    public static ConfigJournal open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            SQLiteConfig config = new SQLiteConfig();
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(10_000);
            Connection c = config.createConnection(
                    "jdbc:sqlite:" + dataDir.resolve("config.db").toAbsolutePath());
            return new ConfigJournal(c);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot open the configuration database under " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code record} unless the journal already holds this or a newer version, and syncs it to disk.
     *
     * @return true if it was written
     */
    public synchronized boolean upsert(ConfigKind kind, ConfigRecord record) {
        try {
            upsert.setString(1, kind.name());
            upsert.setString(2, record.id());
            upsert.setLong(3, record.version());
            upsert.setLong(4, record.updatedAt());
            upsert.setInt(5, record.deleted() ? 1 : 0);
            upsert.setString(6, record.body());
            boolean written = upsert.executeUpdate() > 0;
            failure = null;
            return written;
        } catch (SQLException e) {
            failure = "the configuration journal cannot write: " + e.getMessage();
            prepareAgain();
            throw new IllegalStateException(
                    "cannot write " + kind + " " + record.id() + " to disk: " + e.getMessage(), e);
        }
    }

    /** Every record of {@code kind}, tombstones included. */
    public synchronized List<ConfigRecord> load(ConfigKind kind) {
        try {
            select.setString(1, kind.name());
            List<ConfigRecord> records = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    records.add(new ConfigRecord(
                            rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4) != 0, rs.getString(5)));
                }
            }
            return records;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + kind + " from disk: " + e.getMessage(), e);
        }
    }

    /** Work on this journal's database (another table), serialised with the journal's own calls. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on the journal's connection, with the same durability ({@code synchronous=FULL}), one call at
     * a time with every other journal call. Blocks: call it on a worker.
     */
    public synchronized <T> T with(SqlWork<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("configuration database: " + e.getMessage(), e);
        }
    }

    private void prepareAgain() {
        try {
            upsert.close();
            upsert = connection.prepareStatement(UPSERT);
        } catch (SQLException e) {
            failure = "the configuration journal cannot write: " + e.getMessage(); // the next write tries again
        }
    }

    /** Why the last write failed, while no write has succeeded since: the member is then not ready. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** The {@code synchronous} setting in force (2 is FULL). */
    public synchronized int synchronousMode() {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
            return rs.next() ? rs.getInt(1) : -1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do with the error
        }
    }
}
