package dev.tokenplane.bms.buckets;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.MapEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.MapClearedListener;
import com.hazelcast.map.listener.MapEvictedListener;
import com.hazelcast.partition.MigrationListener;
import com.hazelcast.partition.MigrationState;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.ReplicaMigrationEvent;
import com.hazelcast.query.Predicates;
import java.time.Duration;
import java.time.InstantSource;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The store keys of the buckets this member owns, of the rules the ticks act on ({@code tracked}: the adaptive and the
 * pooled ones, the keys that name no rule, and the caller keys an override puts in a pool, each its own
 * {@link OwnedBuckets#keyGroup}), kept in memory so that a tick does not walk the member's whole share of the bucket
 * map. {@code IMap.localKeySet()} is a query: one task on every partition thread, scanning every entry,
 * ahead of the decisions queued there (with 10,000 buckets a sizing tick took about 15 ms, every tick, even with no
 * adaptive bucket among them). Holding only the tracked rules' keys keeps its memory to theirs (a key costs about
 * 100 bytes here, beside its bucket's 375 with both copies), not the member's whole budget of buckets.
 *
 * <p>How it stays right:
 * <ul>
 *   <li>The rules tracked are fixed at each scan. A rule asked for that was not tracked at the last scan (it just
 *       became adaptive or pooled) makes the index scan again first; a rule no longer tracked is dropped at once.</li>
 *   <li>A <em>local</em> entry listener (events of the entries this member owns) adds a key when its bucket is created
 *       or merged in, and drops it when it is removed, expires or is evicted. It implements no
 *       {@code EntryUpdatedListener}: Hazelcast checks each registration's event flags before it builds an event, so
 *       the updates of every decision publish nothing, and it takes no values.</li>
 *   <li>Entries that arrive or leave with their partitions fire no entry event. So the index scans the member's keys
 *       again ({@code localKeySet()}, once) before it answers after a change: the set of partitions this member owns
 *       differs from the last scan's (a member joined or left; a backup was promoted), a migration event arrived
 *       (a partition may have moved away and back in between), the map was cleared or evicted, or
 *       {@value #RESCAN_MINUTES} minutes passed (entry events are dropped when Hazelcast's event queue overflows).</li>
 *   <li>A scan races the events delivered while it runs: every key carries the stamp of the event that last added it,
 *       and a scan drops only the keys it did not see whose stamp is older than the scan, so a bucket created during
 *       a scan stays; a key a scan re-adds after its removal event went by is dropped again when the scan ends.</li>
 * </ul>
 * Groups that empty go away, so the index holds at most the keys the member owns of the tracked rules (plus the few
 * removed during a scan, until it ends).
 *
 * <p>Thread-safe: events arrive on Hazelcast's event threads; the ticks read (and scan) on their workers.
 */
public final class OwnedBucketIndex implements OwnedBuckets, AutoCloseable {
    static final int RESCAN_MINUTES = 5;
    private static final Duration RESCAN_INTERVAL = Duration.ofMinutes(RESCAN_MINUTES);

    private final HazelcastInstance member;
    private final IMap<String, ?> map;
    private final InstantSource clock;
    private final Supplier<Set<String>> tracked;
    /** The groups the last scan tracked (and {@link OwnedBuckets#UNSCOPED}): the events add only theirs. */
    private volatile Set<String> trackedAtScan = Set.of();
    /** Group (rule id) → owned store key → stamp of the event or scan that last added it. */
    private final Map<String, Map<String, Long>> byGroup = new ConcurrentHashMap<>();

    private final AtomicLong stamps = new AtomicLong();
    /** Bumped by every event that may move keys without entry events: a scan follows. */
    private final AtomicLong moves = new AtomicLong();
    /** Keys removed while a scan runs (null when none runs), with the stamp of their removal. */
    private volatile Map<String, Long> removedDuringScan;

    private final UUID entryListener;
    private final UUID migrationListener;

    // the last scan: guarded by this
    private long scannedMoves = -1;
    private BitSet scannedPartitions = new BitSet();
    private long scannedAt;
    private long scans;

    private OwnedBucketIndex(
            HazelcastInstance member, String mapName, InstantSource clock, Supplier<Set<String>> tracked) {
        this.member = member;
        this.map = member.getMap(mapName);
        this.clock = clock;
        this.tracked = tracked;
        this.entryListener = map.addLocalEntryListener(new Events(), Predicates.alwaysTrue(), false);
        this.migrationListener = member.getPartitionService().addMigrationListener(new Migrations());
    }

    /**
     * The index of the bucket map {@code mapName} on {@code member} (a member, not a client).
     *
     * @param tracked the rules whose keys to hold, read at each call (the keys that name no rule are always held)
     */
    public static OwnedBucketIndex open(
            HazelcastInstance member, String mapName, InstantSource clock, Supplier<Set<String>> tracked) {
        return new OwnedBucketIndex(member, mapName, clock, tracked);
    }

    /** The owned keys of {@code ruleId}, which must be among the tracked rules (else none). */
    @Override
    public Collection<String> ofRule(String ruleId) {
        refresh();
        Map<String, Long> keys = byGroup.get(ruleId);
        return keys == null ? List.of() : List.copyOf(keys.keySet());
    }

    /** How many keys the index holds (a key in a rule's group and in its caller key's counts twice). */
    public int size() {
        return byGroup.values().stream().mapToInt(Map::size).sum();
    }

    /** How many full scans of the member's keys the index made (at the first use, then after each change). */
    public synchronized long scans() {
        return scans;
    }

    /**
     * Scans the member's keys when what it owns may have changed since the last scan, or a rule is tracked that was
     * not then; drops the rules no longer tracked.
     */
    private synchronized void refresh() {
        Set<String> wanted = new HashSet<>(tracked.get());
        wanted.add(UNSCOPED);
        long movesNow = moves.get();
        BitSet owned = ownedPartitions();
        long now = clock.millis();
        if (trackedAtScan.containsAll(wanted)
                && movesNow == scannedMoves
                && owned.equals(scannedPartitions)
                && now - scannedAt < RESCAN_INTERVAL.toMillis()) {
            if (!wanted.containsAll(trackedAtScan)) {
                trackedAtScan = Set.copyOf(wanted);
            }
            byGroup.keySet().retainAll(trackedAtScan); // also a key an event added as its rule stopped being tracked
            return;
        }
        trackedAtScan = Set.copyOf(wanted); // before the scan: the events during it add the keys of these rules
        byGroup.keySet().retainAll(trackedAtScan);
        scan();
        scannedMoves = movesNow;
        scannedPartitions = owned;
        scannedAt = now;
        scans++;
    }

    private void scan() {
        Map<String, Long> removed = new ConcurrentHashMap<>();
        removedDuringScan = removed;
        try {
            long stamp = stamps.incrementAndGet();
            Set<String> present = new HashSet<>(map.localKeySet());
            Set<String> groups = trackedAtScan;
            boolean keyGroups = anyKeyGroup(groups);
            for (String key : present) {
                for (String group : groupsOf(key, groups, keyGroups)) {
                    byGroup.compute(group, (g, keys) -> {
                        Map<String, Long> held = keys != null ? keys : new ConcurrentHashMap<>();
                        held.putIfAbsent(key, stamp);
                        return held;
                    });
                }
            }
            // gone before the scan saw their partition, or moved away: added before the scan, and not seen by it
            for (String group : List.copyOf(byGroup.keySet())) {
                byGroup.computeIfPresent(group, (g, keys) -> {
                    keys.entrySet().removeIf(e -> e.getValue() <= stamp && !present.contains(e.getKey()));
                    return keys.isEmpty() ? null : keys;
                });
            }
            // removed while the scan ran: the scan may have put them back (with its own stamp)
            removed.keySet().forEach(key -> drop(key, stamp));
        } finally {
            removedDuringScan = null;
        }
    }

    private BitSet ownedPartitions() {
        BitSet owned = new BitSet();
        for (Partition p : member.getPartitionService().getPartitions()) {
            if (p.getOwner() != null && p.getOwner().localMember()) {
                owned.set(p.getPartitionId());
            }
        }
        return owned;
    }

    private void add(String key) {
        Set<String> tracking = trackedAtScan;
        List<String> groups = groupsOf(key, tracking, anyKeyGroup(tracking));
        if (groups.isEmpty()) {
            return;
        }
        long stamp = stamps.incrementAndGet();
        for (String group : groups) {
            byGroup.compute(group, (g, keys) -> {
                Map<String, Long> held = keys != null ? keys : new ConcurrentHashMap<>();
                held.put(key, stamp);
                return held;
            });
        }
    }

    /** Drops {@code key} if no event added it after {@code notAfter}. */
    private void drop(String key, long notAfter) {
        Set<String> held = byGroup.keySet();
        for (String group : groupsOf(key, held, anyKeyGroup(held))) {
            byGroup.computeIfPresent(group, (g, keys) -> {
                keys.computeIfPresent(key, (k, stamp) -> stamp <= notAfter ? null : stamp);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    /**
     * The groups among {@code groups} that {@code key} belongs to: its rule's, and its caller key's (decoded only when
     * {@code keyGroups}: some key's group is among them, that is while an override puts a bucket in a pool).
     */
    private static List<String> groupsOf(String key, Set<String> groups, boolean keyGroups) {
        String rule = OwnedBuckets.groupOf(key);
        boolean byRule = groups.contains(rule);
        String byKey = keyGroups ? OwnedBuckets.keyGroupOf(key) : null;
        if (byKey == null || !groups.contains(byKey)) {
            return byRule ? List.of(rule) : List.of();
        }
        return byRule ? List.of(rule, byKey) : List.of(byKey);
    }

    private static boolean anyKeyGroup(Set<String> groups) {
        for (String g : groups) {
            if (g.startsWith(OwnedBuckets.KEY_GROUP)) {
                return true;
            }
        }
        return false;
    }

    private void removed(String key) {
        long stamp = stamps.incrementAndGet();
        // noted before the drop: a scan that puts the key back after the drop then sees the note when it ends
        Map<String, Long> during = removedDuringScan;
        if (during != null) {
            during.put(key, stamp);
        }
        drop(key, stamp);
    }

    @Override
    public void close() {
        if (member.getLifecycleService().isRunning()) {
            map.removeEntryListener(entryListener);
            member.getPartitionService().removeMigrationListener(migrationListener);
        }
    }

    /** The entry events of the buckets this member owns (no updates: see the class comment). */
    private final class Events
            implements EntryAddedListener<String, Object>,
                    EntryMergedListener<String, Object>,
                    EntryRemovedListener<String, Object>,
                    EntryExpiredListener<String, Object>,
                    EntryEvictedListener<String, Object>,
                    MapClearedListener,
                    MapEvictedListener {
        @Override
        public void entryAdded(EntryEvent<String, Object> event) {
            add(event.getKey());
        }

        @Override
        public void entryMerged(EntryEvent<String, Object> event) {
            add(event.getKey());
        }

        @Override
        public void entryRemoved(EntryEvent<String, Object> event) {
            removed(event.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, Object> event) {
            removed(event.getKey());
        }

        @Override
        public void entryEvicted(EntryEvent<String, Object> event) {
            removed(event.getKey());
        }

        @Override
        public void mapCleared(MapEvent event) {
            moves.incrementAndGet();
        }

        @Override
        public void mapEvicted(MapEvent event) {
            moves.incrementAndGet();
        }
    }

    /** Any replica migration: a partition may have come or gone (and come back) without entry events. */
    private final class Migrations implements MigrationListener {
        @Override
        public void migrationStarted(MigrationState state) {
            moves.incrementAndGet();
        }

        @Override
        public void migrationFinished(MigrationState state) {
            moves.incrementAndGet();
        }

        @Override
        public void replicaMigrationCompleted(ReplicaMigrationEvent event) {
            moves.incrementAndGet();
        }

        @Override
        public void replicaMigrationFailed(ReplicaMigrationEvent event) {
            moves.incrementAndGet();
        }
    }
}
