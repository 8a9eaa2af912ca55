package dev.tokenplane.bms.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import java.util.UUID;

/**
 * A map listener reduced to the two things a local copy cares about: an entry now has a value (added, updated, or
 * merged after a split brain), or it is gone (removed, evicted, expired). Events arrive on Hazelcast's event threads.
 */
public abstract class MapEvents<K, V>
        implements EntryAddedListener<K, V>,
                EntryUpdatedListener<K, V>,
                EntryMergedListener<K, V>,
                EntryRemovedListener<K, V>,
                EntryEvictedListener<K, V>,
                EntryExpiredListener<K, V> {

    /** The entry at {@code key} now holds {@code value}. */
    protected abstract void upserted(K key, V value);

    /** The entry at {@code key} is gone. */
    protected void removed(K key) {}

    @Override
    public final void entryAdded(EntryEvent<K, V> event) {
        upserted(event.getKey(), event.getValue());
    }

    @Override
    public final void entryUpdated(EntryEvent<K, V> event) {
        upserted(event.getKey(), event.getValue());
    }

    @Override
    public final void entryMerged(EntryEvent<K, V> event) {
        upserted(event.getKey(), event.getValue());
    }

    @Override
    public final void entryRemoved(EntryEvent<K, V> event) {
        removed(event.getKey());
    }

    @Override
    public final void entryEvicted(EntryEvent<K, V> event) {
        removed(event.getKey());
    }

    @Override
    public final void entryExpired(EntryEvent<K, V> event) {
        removed(event.getKey());
    }

    /** Removes a listener, ignoring failures: the member may be shutting down. */
    public static void unregister(IMap<?, ?> map, UUID listenerId) {
        if (listenerId == null) {
            return;
        }
        try {
            map.removeEntryListener(listenerId);
        } catch (RuntimeException e) {
            // the member is going away anyway
        }
    }
}
