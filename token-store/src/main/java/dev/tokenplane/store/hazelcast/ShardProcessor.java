package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.CreationGate;
import dev.tokenplane.store.Transition;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One pass over a shard entry of a sharded bucket map ({@link ShardedHazelcastBucketStore}): for each of its bucket
 * keys that belongs to this shard, it runs one of the store's bucket processors ({@link BucketProcessor#apply}) at one
 * reading of the owner's clock, and changes the shard's state map in place. The entry is written once per pass,
 * however many buckets changed; the backup ({@link ShardBackup}) carries only the changed buckets' new states.
 *
 * <p>Hazelcast may share one instance between the operations of several partitions, so {@link #bind} (called through
 * {@link BucketMemberContext} before each operation runs it) hands each operation its own copy.
 */
final class ShardProcessor implements EntryProcessor<ShardKey, BucketShard, Object>, IdentifiedDataSerializable {

    /** What a pass answers for its entry. */
    enum Answer {
        /** The one bucket's result. */
        ONE,
        /** A map from bucket key to result, leaving out null results. */
        BY_KEY,
        /** The results, each a {@link ResultArrays} byte array, concatenated. */
        RESULT_BYTES,
        /** How many results were neither null nor false. */
        COUNT,
        /** The keys whose result was not null. */
        KEYS
    }

    /** The bucket keys to run on; null for every bucket of the entry. */
    private String[] keys;
    /** The shard of each of {@link #keys}: a pass runs only the keys of its own entry. */
    private int[] shards;

    private BucketProcessor<?> bucket;
    private Answer answer;

    private transient InstantSource clock;
    private transient CreationGate gate;
    private transient Map<ShardKey, Map<String, byte[]>> writes;

    ShardProcessor() {}

    ShardProcessor(String[] keys, int[] shards, BucketProcessor<?> bucket, Answer answer) {
        this.keys = keys;
        this.shards = shards;
        this.bucket = bucket;
        this.answer = answer;
    }

    /** The same processor for every bucket of each entry it is sent to. */
    static ShardProcessor everyBucket(BucketProcessor<?> bucket, Answer answer) {
        return new ShardProcessor(null, null, bucket, answer);
    }

    ShardProcessor bind(InstantSource memberClock, CreationGate memberGate) {
        ShardProcessor copy = new ShardProcessor(keys, shards, bucket.bind(memberClock, memberGate), answer);
        copy.clock = memberClock;
        copy.gate = memberGate;
        return copy;
    }

    @Override
    public Object process(Map.Entry<ShardKey, BucketShard> entry) {
        if (clock == null) {
            throw new IllegalStateException("no member clock: ShardedHazelcastBucketStore.configure was not applied "
                    + "to this member's Config, or its ManagedContext was replaced afterwards");
        }
        long now = clock.millis();
        ShardKey shardKey = entry.getKey();
        BucketShard shard = entry.getValue();
        String[] mine = keys != null ? keys : shard == null ? new String[0] : shard.keys();
        Map<String, byte[]> written = null;
        Results results = new Results(answer);
        for (int i = 0; i < mine.length; i++) {
            if (keys != null && shards[i] != shardKey.shard()) {
                continue;
            }
            String key = mine[i];
            BucketState current = shard == null ? null : shard.get(key);
            Transition<?> t = bucket.apply(key, current, now);
            BucketState next = t.next();
            if (!Objects.equals(next, current)) {
                if (shard == null) {
                    shard = new BucketShard();
                }
                shard.set(key, next);
                if (next == null) {
                    gate.removed(current);
                }
                if (written == null) {
                    written = new HashMap<>(4);
                }
                written.put(key, next == null ? null : PackedState.encode(next));
            }
            results.add(key, t.result());
        }
        if (written != null) {
            entry.setValue(shard.isEmpty() ? null : shard);
            if (writes == null) {
                writes = new HashMap<>(4);
            }
            writes.put(shardKey, written);
        }
        return results.answer();
    }

    @Override
    public EntryProcessor<ShardKey, BucketShard, Object> getBackupProcessor() {
        return writes == null ? null : new ShardBackup(writes);
    }

    /** Collects one pass's results into its {@link Answer}. */
    private static final class Results {
        private final Answer answer;
        private Object one;
        private Map<String, Object> byKey;
        private List<byte[]> bytes;
        private int count;
        private List<String> keys;

        Results(Answer answer) {
            this.answer = answer;
        }

        void add(String key, Object result) {
            switch (answer) {
                case ONE -> one = result;
                case BY_KEY -> {
                    if (result != null) {
                        (byKey == null ? byKey = new HashMap<>() : byKey).put(key, result);
                    }
                }
                case RESULT_BYTES -> (bytes == null ? bytes = new ArrayList<>(4) : bytes).add((byte[]) result);
                case COUNT -> count += result != null && !Boolean.FALSE.equals(result) ? 1 : 0;
                case KEYS -> {
                    if (result != null) {
                        (keys == null ? keys = new ArrayList<>() : keys).add(key);
                    }
                }
            }
        }

        Object answer() {
            return switch (answer) {
                case ONE -> one;
                case BY_KEY -> byKey == null ? new HashMap<>() : byKey;
                case RESULT_BYTES -> concat(bytes);
                case COUNT -> count;
                case KEYS -> keys == null ? new String[0] : keys.toArray(String[]::new);
            };
        }

        private static byte[] concat(List<byte[]> parts) {
            if (parts == null) {
                return new byte[0];
            }
            if (parts.size() == 1) {
                return parts.get(0);
            }
            int size = 0;
            for (byte[] p : parts) {
                size += p.length;
            }
            byte[] all = new byte[size];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.SHARD_PROCESSOR;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByte(answer.ordinal());
        out.writeBoolean(keys != null);
        if (keys != null) {
            out.writeInt(keys.length);
            for (String key : keys) {
                out.writeString(key);
            }
            out.writeIntArray(shards);
        }
        out.writeObject(bucket);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        answer = Answer.values()[in.readByte()];
        if (in.readBoolean()) {
            keys = new String[in.readInt()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = in.readString();
            }
            shards = in.readIntArray();
        }
        bucket = in.readObject();
    }
}
