package dev.tokenplane.bms.config;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.cluster.MapEvents;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of configuration (rules or overrides), replicated through a Hazelcast map and persisted on every member.
 *
 * <ul>
 *   <li><b>Writes</b> run as one entry processor on the key's owner, which assigns the next version and checks
 *       {@code If-Match} atomically. The receiving member then writes the record to its own disk
 *       ({@link #persist}, blocking, on a worker) before it answers.</li>
 *   <li><b>Every member</b> listens to the map: each event updates the member's local copy (which answers reads and
 *       rule matching with no remote call) and is written to the member's disk on a background thread, retried with
 *       backoff until the disk takes it.</li>
 *   <li><b>Acknowledged means durable</b> ({@link #durable}): the receiving member answers a write only once it is on
 *       its disk; when its disk refuses, the write is rolled back and answered 503, and the member is not ready until
 *       its disk writes again.</li>
 *   <li><b>At start</b> ({@link #start}) the member merges its disk into the map (higher version wins, tombstones
 *       included), then takes the map's newer records onto its disk.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ReplicatedConfig implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedConfig.class);

    private final ConfigKind kind;
    private final IMap<String, String> map;
    private final ConfigJournal journal;
    private final Executor background;
    private final ConfigCopy local;
    private final Scheduler scheduler;
    private UUID listenerId;

    /**
     * @param background runs the disk writes that follow events from other members, in order
     */
    public ReplicatedConfig(ConfigKind kind, HazelcastInstance hazelcast, ConfigJournal journal, Executor background) {
        this(
                kind,
                hazelcast,
                journal,
                background,
                (delayMs, task) -> CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS, background)
                        .execute(task));
    }

    /** @param scheduler runs the background disk retries after their backoff */
    public ReplicatedConfig(
            ConfigKind kind,
            HazelcastInstance hazelcast,
            ConfigJournal journal,
            Executor background,
            Scheduler scheduler) {
        this.scheduler = scheduler;
        this.kind = kind;
        this.map = hazelcast.getMap(kind.mapName());
        this.journal = journal;
        this.background = background;
        this.local = new ConfigCopy(kind);
    }

    /** What this configuration holds. */
    public ConfigKind kind() {
        return kind;
    }

    /** Registers the write processors' factory on a member's configuration, before the member starts. */
    public static void configure(Config config) {
        config.getSerializationConfig()
                .addDataSerializableFactory(ConfigProcessors.FACTORY_ID, new ConfigProcessors.Factory());
    }

    /**
     * Calls {@code listener} (on any thread, one change at a time) after each change of the local copy. A write is
     * answered only after the listeners have seen it.
     */
    public void onChange(Consumer<ConfigRecord> listener) {
        local.onChange(listener);
    }

    /**
     * Joins the replicated state: listens to the map, merges this member's disk into it, and loads the result.
     * Blocks (remote calls and disk): call it at start, off any event loop; again if it failed part way.
     */
    public void start() {
        if (listenerId == null) { // a start run again after a rebalancing failure keeps its first listener
            listenerId = map.addEntryListener(new Listener(), true);
        }
        for (ConfigRecord onDisk : journal.load(kind)) {
            local.apply(ConfigCodec.record(mergeOnceAMajoritySees(onDisk)));
        }
        for (Map.Entry<String, String> e : map.entrySet()) {
            local.apply(ConfigCodec.record(e.getValue()));
        }
        for (ConfigRecord r : local.all()) {
            journal.upsert(kind, r);
        }
        LOG.info("{}: {} records ({} live)", kind, local.all().size(), live().size());
    }

    /**
     * Merges a record from this member's disk into the map, and answers the winner. The merge is a write, which the
     * split-brain protection refuses until this member sees a majority of the expected members: just after a restart
     * it may not yet count the members it joined (seen in the chaos suite). So a refused merge waits and tries again,
     * for as long as the member takes to see a majority; the member is not ready meanwhile.
     */
    private String mergeOnceAMajoritySees(ConfigRecord onDisk) {
        long waitMs = 50;
        boolean logged = false;
        while (true) {
            try {
                return map.executeOnKey(onDisk.id(), new ConfigProcessors.Merge(ConfigCodec.write(onDisk)));
            } catch (RuntimeException e) {
                if (!HazelcastMember.isWithoutMajority(e)) {
                    throw e;
                }
                if (!logged) {
                    LOG.warn(
                            "{}: waiting for a majority of the expected members before merging this member's "
                                    + "records into the cluster",
                            kind);
                    logged = true;
                }
                try {
                    Thread.sleep(waitMs); // start-up only, on the starting thread, never an event loop
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a majority", interrupted);
                }
                waitMs = Math.min(waitMs * 2, 1_000);
            }
        }
    }

    /**
     * Writes {@code body} at {@code id} (or deletes it when {@code body} is null) on the owning member. The result is
     * applied to the local copy but not yet on disk: call {@link #persist} before acknowledging.
     *
     * @param expectedVersion the {@code If-Match} version, {@link #EXISTS} or {@link #ANY_VERSION}
     */
    public CompletionStage<ConfigWrite> write(
            String id, String body, long expectedVersion, boolean skipIfUnchanged, long nowMillis) {
        return write(id, body, expectedVersion, skipIfUnchanged, nowMillis, false);
    }

    /**
     * {@link #write(String, String, long, boolean, long)}, refusing ({@link ConfigWrite.Outcome#MANAGED}) to change a
     * live record owned by the rules file when {@code refuseManaged}.
     */
    public CompletionStage<ConfigWrite> write(
            String id,
            String body,
            long expectedVersion,
            boolean skipIfUnchanged,
            long nowMillis,
            boolean refuseManaged) {
        return Completions.on(map.submitToKey(
                        id,
                        new ConfigProcessors.Write(body, expectedVersion, skipIfUnchanged, nowMillis, refuseManaged)))
                .thenApply(json -> {
                    ConfigWrite r = ConfigCodec.read(json, ConfigWrite.class);
                    if (r.record() != null) {
                        local.apply(r.record());
                    }
                    return r;
                });
    }

    /** {@link ConfigProcessors#ANY_VERSION}. */
    public static final long ANY_VERSION = ConfigProcessors.ANY_VERSION;
    /** {@link ConfigProcessors#EXISTS}. */
    public static final long EXISTS = ConfigProcessors.EXISTS;
    /** {@link ConfigProcessors#ABSENT}. */
    public static final long ABSENT = ConfigProcessors.ABSENT;
    /** {@link ConfigProcessors#NEVER_WRITTEN}. */
    public static final long NEVER_WRITTEN = ConfigProcessors.NEVER_WRITTEN;

    /** Writes {@code record} to this member's disk and syncs it. Blocks: call it on a worker. */
    public void persist(ConfigRecord record) {
        journal.upsert(kind, record);
    }

    /**
     * Makes write {@code w} durable on this member before it is acknowledged: writes its record to this member's disk
     * and syncs it. When the disk refuses (full, failing), the write is rolled back in the map (a new version
     * restoring the record it replaced, unless a later write superseded it, which then stands), this member retries
     * its disk in the background (so its readiness comes back with its disk), and {@link NotDurableException} says the
     * write was not made. Blocks (disk, and a remote call to roll back): call it on a worker.
     */
    public void durable(ConfigWrite w) {
        if (!w.changed()) {
            return;
        }
        try {
            journal.upsert(kind, w.record());
        } catch (RuntimeException e) {
            LOG.error(
                    "{} {} version {}: this member's journal refused it ({}); rolling the write back",
                    kind,
                    w.record().id(),
                    w.record().version(),
                    e.getMessage());
            ConfigRecord undone = rollBack(w);
            retryLater(undone == null ? w.record() : undone, 0);
            throw new NotDurableException(
                    kind.name().toLowerCase(java.util.Locale.ROOT) + " '"
                            + w.record().id()
                            + "' was not written: this member cannot write its configuration journal ("
                            + e.getMessage() + "); nothing changed. Retry on another member",
                    e);
        }
    }

    /**
     * Writes {@code record}, already in the map, to this member's disk, or when the disk refuses, leaves it to the
     * background retry (the map stays as it is: for writes that must stand, such as an undo). Blocks: call it on a
     * worker.
     */
    public void persistOrRetry(ConfigRecord record) {
        try {
            journal.upsert(kind, record);
        } catch (RuntimeException e) {
            LOG.error(
                    "{} {} version {}: not written to disk, retrying in the background: {}",
                    kind,
                    record.id(),
                    record.version(),
                    e.getMessage());
            retryLater(record, 0);
        }
    }

    /** The write was not made durable on the answering member, and was rolled back. */
    public static final class NotDurableException extends RuntimeException {
        NotDurableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Restores what {@code w} replaced, unless a later write came after it; answers the record now stored. */
    private ConfigRecord rollBack(ConfigWrite w) {
        ConfigRecord mine = w.record();
        ConfigRecord before = w.previous();
        String restore = before == null || before.deleted() ? null : before.body();
        long expected = mine.version();
        if (mine.deleted()) {
            // If-Match needs a live record; a tombstone is checked here, with a small window for a racing write
            ConfigRecord now = ConfigCodec.record(map.get(mine.id()));
            if (now == null || now.version() != mine.version()) {
                return now;
            }
            expected = ANY_VERSION;
        }
        ConfigWrite undone = ConfigCodec.read(
                map.executeOnKey(
                        mine.id(), new ConfigProcessors.Write(restore, expected, false, mine.updatedAt(), false)),
                ConfigWrite.class);
        if (undone.record() != null) {
            local.apply(undone.record());
        }
        LOG.warn("{} {}: write of version {} rolled back ({})", kind, mine.id(), mine.version(), undone.outcome());
        return undone.record();
    }

    /**
     * Writes the newest record of {@code r}'s id this member knows to its disk after a backoff (100 ms doubling to
     * 10 s), again until the disk takes it: a write this member's disk refused is not forgotten, and the member is
     * ready again once its disk works.
     */
    private void retryLater(ConfigRecord r, int attempt) {
        long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt, 20));
        scheduler.schedule(delay, () -> {
            ConfigRecord newest = local.get(r.id());
            ConfigRecord toWrite = newest != null && newest.supersedes(r) ? newest : r;
            try {
                journal.upsert(kind, toWrite);
                LOG.info(
                        "{} {} version {}: written to disk on retry {}",
                        kind,
                        toWrite.id(),
                        toWrite.version(),
                        attempt + 1);
            } catch (RuntimeException e) {
                LOG.error(
                        "{} {} version {}: not written to disk (retry {} in the background): {}",
                        kind,
                        toWrite.id(),
                        toWrite.version(),
                        attempt + 1,
                        e.getMessage());
                retryLater(toWrite, attempt + 1);
            }
        });
    }

    /** Runs a task after a delay: the background disk retries (a fake one in tests). */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(long delayMs, Runnable task);
    }

    static final long FIRST_RETRY_MS = 100;
    static final long MAX_RETRY_MS = 10_000;

    /** The live record at {@code id} in the local copy, or null. */
    public ConfigRecord live(String id) {
        ConfigRecord r = local.get(id);
        return r == null || r.deleted() ? null : r;
    }

    /** Every live record in the local copy. */
    public Collection<ConfigRecord> live() {
        return local.live();
    }

    /** Whether this member has ever seen a record of this kind, tombstones included (false on a first start). */
    public boolean isEmpty() {
        return local.isEmpty();
    }

    private final class Listener extends MapEvents<String, String> {
        @Override
        protected void upserted(String id, String value) {
            ConfigRecord r = ConfigCodec.record(value);
            if (r == null) {
                return;
            }
            local.apply(r);
            background.execute(() -> persistOrRetry(r));
        }
    }

    @Override
    public void close() {
        MapEvents.unregister(map, listenerId);
    }
}
