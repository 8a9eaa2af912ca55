package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.CreationGate;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.Transition;
import java.io.IOException;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The shape of every bucket entry processor, after Bucket4j's {@code HazelcastEntryProcessor}: decode the entry, run
 * one {@link dev.tokenplane.store.BucketMath} function at the owner's time, encode, and write back only when the state
 * changed. The backup processor copies the state that was written ({@link StatesBackup}); backups never run the logic
 * again, so a backup holds exactly what the owner decided, whatever its own clock says.
 *
 * <p>The owner's clock and {@link CreationGate} reach the processor through {@link BucketMemberContext} (a
 * {@code ManagedContext} that {@link HazelcastBucketStore#configure} installs), which calls {@link #bind} before Hazelcast runs it. An instance
 * serves one operation: Hazelcast asks for the backup processor after {@link #process} on the same instance. A processor
 * that Hazelcast shares between the operations of several partitions ({@code submitToKeys}) overrides {@link #bind} to
 * hand each operation its own copy.
 *
 * @param <R> what the operation answers
 */
abstract class BucketProcessor<R> implements EntryProcessor<String, byte[], R>, IdentifiedDataSerializable {

    /** Hazelcast may treat a TTL this long as overflowing; a bucket idle for a century may as well never expire. */
    private static final long MAX_ENTRY_TTL_MS = TimeUnit.DAYS.toMillis(36_500);

    /** Set the entry's TTL on every write ({@link IdleExpiry#ENTRY_TTL}); otherwise entries never expire. */
    protected boolean entryTtl;

    private transient InstantSource clock;
    private transient CreationGate gate;
    private transient Map<String, StatesBackup.Written> writes;

    BucketProcessor() {}

    BucketProcessor(boolean entryTtl) {
        this.entryTtl = entryTtl;
    }

    /** Called on the owner before {@link #process}: returns the instance the operation should run. */
    BucketProcessor<R> bind(InstantSource memberClock, CreationGate memberGate) {
        return withMember(memberClock, memberGate);
    }

    final BucketProcessor<R> withMember(InstantSource memberClock, CreationGate memberGate) {
        this.clock = memberClock;
        this.gate = memberGate;
        return this;
    }

    /** Asks the member's gate whether a bucket may be created from {@code spec} (only when an acquire would). */
    final boolean mayCreate(BucketSpec spec) {
        return gate.tryCreate(spec);
    }

    /** The next state and the answer. {@code current} is null when there is no bucket; a null next state removes it. */
    abstract Transition<R> apply(String key, BucketState current, long now);

    @Override
    public final R process(Map.Entry<String, byte[]> entry) {
        if (clock == null) {
            throw new IllegalStateException("no member clock: HazelcastBucketStore.configure(config, mapName) was not "
                    + "applied to this member's Config, or its ManagedContext was replaced afterwards");
        }
        long now = clock.millis();
        byte[] stored = entry.getValue();
        BucketState current = stored == null ? null : PackedState.decode(stored);
        Transition<R> t = apply(entry.getKey(), current, now);
        if (!Objects.equals(t.next(), current)) {
            write(entry, stored, t.next(), now);
            if (t.next() == null) {
                gate.removed(current);
            }
        }
        return t.result();
    }

    /**
     * Stores {@code next} (null removes the entry), over the {@code stored} array when it fits ({@link
     * PackedState#encodeInto}), and remembers it for the backup. The backup operation is serialized on this partition
     * thread before the next operation can overwrite the array again.
     */
    private void write(Map.Entry<String, byte[]> entry, byte[] stored, BucketState next, long now) {
        byte[] bytes = next == null ? null : PackedState.encodeInto(next, stored);
        long ttl = next == null ? -1 : entryTtlMillis(next, now);
        store(entry, bytes, ttl);
        recordWrite(entry.getKey(), bytes, ttl);
    }

    private void recordWrite(String key, byte[] bytes, long ttlMillis) {
        if (writes == null) {
            writes = new HashMap<>(4);
        }
        writes.put(key, new StatesBackup.Written(bytes, ttlMillis));
    }

    /** The states this operation wrote, to be copied, or null when it wrote none (then there is no backup). */
    @Override
    public final EntryProcessor<String, byte[], R> getBackupProcessor() {
        return writes == null ? null : new StatesBackup<>(writes);
    }

    /**
     * With per-entry expiry, the time from now until the bucket would be evictable: idle for its TTL and refilled to
     * full, so that Hazelcast never drops a bucket whose re-creation (full, from its spec) would hand out extra tokens.
     * -1 means no expiry.
     */
    private long entryTtlMillis(BucketState s, long now) {
        if (!entryTtl || s.idleTtlMillis() <= 0) {
            return -1;
        }
        long untilFull = Tokens.millisToRefill(s.burstNanos() - s.tokens(), s.ratePerMilli());
        long idleFor = Math.max(0, now - s.lastRefillAt());
        long ttl = Math.max(1, Math.max(s.idleTtlMillis(), untilFull) - idleFor);
        return ttl > MAX_ENTRY_TTL_MS ? -1 : ttl;
    }

    @SuppressWarnings("unchecked")
    static void store(Map.Entry<String, byte[]> entry, byte[] bytes, long ttlMillis) {
        if (bytes != null && ttlMillis > 0) {
            ((ExtendedMapEntry<String, byte[]>) entry).setValue(bytes, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(bytes);
        }
    }

    @Override
    public final int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public final void writeData(ObjectDataOutput out) throws IOException {
        out.writeBoolean(entryTtl);
        writeFields(out);
    }

    @Override
    public final void readData(ObjectDataInput in) throws IOException {
        entryTtl = in.readBoolean();
        readFields(in);
    }

    abstract void writeFields(ObjectDataOutput out) throws IOException;

    abstract void readFields(ObjectDataInput in) throws IOException;
}
