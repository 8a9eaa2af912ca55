package dev.tokenplane.bms.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member's local copy of one kind of configuration, and the listeners that derive state from it (the rule index,
 * the overrides by key, the pool settings).
 *
 * <p>A record reaches the copy twice on the member that wrote it: from the write's own answer and from the map's entry
 * event, on different threads, in either order. Whichever comes second finds nothing to change; it must still not
 * return before the first has run the listeners, or the write would be acknowledged before the member serves it (a
 * rule created, then the next decision on the same member still matching the old rules). So applying a record and
 * running its listeners is one step: when {@link #apply} returns, every change visible in the copy has been seen by
 * every listener.
 *
 * <p>Thread-safe. Reads never wait; changes are serialized (they are rare: an operator's write).
 */
final class ConfigCopy {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigCopy.class);

    private final ConfigKind kind;
    private final ConcurrentHashMap<String, ConfigRecord> records = new ConcurrentHashMap<>();
    private final List<Consumer<ConfigRecord>> listeners = new CopyOnWriteArrayList<>();

    ConfigCopy(ConfigKind kind) {
        this.kind = kind;
    }

    /**
     * Calls {@code listener} after each change of the copy, on the thread that made it (often one of Hazelcast's),
     * one change at a time. A listener must be quick and make no remote call: the next change waits for it.
     */
    void onChange(Consumer<ConfigRecord> listener) {
        listeners.add(listener);
    }

    /**
     * Takes {@code record} if it supersedes the copy's, then runs the listeners; returns once any change in progress
     * on another thread has run its listeners too.
     */
    synchronized void apply(ConfigRecord record) {
        ConfigRecord current = records.get(record.id());
        if (!record.supersedes(current)) {
            return;
        }
        records.put(record.id(), record);
        for (Consumer<ConfigRecord> l : listeners) {
            try {
                l.accept(record);
            } catch (RuntimeException e) {
                LOG.error("{} change listener failed for {}", kind, record.id(), e);
            }
        }
    }

    /** The record at {@code id}, tombstones included, or null. */
    ConfigRecord get(String id) {
        return records.get(id);
    }

    /** Every record, tombstones included. */
    Collection<ConfigRecord> all() {
        return records.values();
    }

    /** Every live record. */
    Collection<ConfigRecord> live() {
        List<ConfigRecord> out = new ArrayList<>();
        for (ConfigRecord r : records.values()) {
            if (r.live()) {
                out.add(r);
            }
        }
        return out;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }
}
