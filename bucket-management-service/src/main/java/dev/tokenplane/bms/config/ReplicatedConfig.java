package dev.tokenplane.bms.config;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.cluster.MapEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One kind of configuration (rules or overrides), replicated through a Hazelcast map and persisted on every member.
 *
 * <ul>
 *   <li><b>Writes</b> run as one entry processor on the key's owner, which assigns the next version and checks
 *       {@code If-Match} atomically. The receiving member then writes the record to its own disk
 *       ({@link #persist}, blocking, on a worker) before it answers.</li>
 *   <li><b>Every member</b> listens to the map: each event updates the member's local copy (which answers reads and
 *       rule matching with no remote call) and is written to the member's disk on a background thread.</li>
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
    private final Executor callbacks;
    private final ConfigCopy local;
    private UUID listenerId;

    /**
     * @param background runs the disk writes that follow events from other members, in order
     * @param callbacks  runs the continuations of Hazelcast futures (see versions.md: never Hazelcast's default)
     */
    public ReplicatedConfig(ConfigKind kind, HazelcastInstance hazelcast, ConfigJournal journal, Executor background,
                            Executor callbacks) {
        this.kind = kind;
        this.map = hazelcast.getMap(kind.mapName());
        this.journal = journal;
        this.background = background;
        this.callbacks = callbacks;
        this.local = new ConfigCopy(kind);
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
     * Blocks (remote calls and disk): call it once, at start, off any event loop.
     */
    public void start() {
        listenerId = map.addEntryListener(new Listener(), true);
        for (ConfigRecord onDisk : journal.load(kind)) {
            String winner = map.executeOnKey(onDisk.id(), new ConfigProcessors.Merge(ConfigCodec.write(onDisk)));
            local.apply(ConfigCodec.record(winner));
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
     * Writes {@code body} at {@code id} (or deletes it when {@code body} is null) on the owning member. The result is
     * applied to the local copy but not yet on disk: call {@link #persist} before acknowledging.
     *
     * @param expectedVersion the {@code If-Match} version, {@link #EXISTS} or {@link #ANY_VERSION}
     */
    public CompletionStage<ConfigWrite> write(String id, String body, long expectedVersion,
                                                               boolean skipIfUnchanged, long nowMillis) {
        return write(id, body, expectedVersion, skipIfUnchanged, nowMillis, false);
    }

    /**
     * {@link #write(String, String, long, boolean, long)}, refusing ({@link ConfigWrite.Outcome#MANAGED}) to change a
     * live record owned by the rules file when {@code refuseManaged}.
     */
    public CompletionStage<ConfigWrite> write(String id, String body, long expectedVersion, boolean skipIfUnchanged,
                                              long nowMillis, boolean refuseManaged) {
        return Completions.on(map.submitToKey(id, new ConfigProcessors.Write(body, expectedVersion, skipIfUnchanged,
                        nowMillis, refuseManaged)), callbacks)
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
            background.execute(() -> {
                try {
                    journal.upsert(kind, r);
                } catch (RuntimeException e) {
                    LOG.error("{} {} version {}: not written to disk", kind, r.id(), r.version(), e);
                }
            });
        }
    }

    @Override
    public void close() {
        MapEvents.unregister(map, listenerId);
    }
}
