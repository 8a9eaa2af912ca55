package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.DemandSample;
import dev.tokenplane.store.Transition;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The entry processors of {@link HazelcastBucketStore} that run on many keys at once ({@link MultiKeyProcessor}: one
 * per partition, or {@code submitToKeys}); the one-key processors are in {@link BucketProcessors}. Each one only
 * adapts: it names a {@link BucketMath} function and carries its arguments.
 */
final class MultiKeyProcessors {

    private MultiKeyProcessors() {}

    /**
     * Many acquires in one call: for each key, its commands in order. Answers, per key, the results in the same order,
     * each with its place in the request ({@link ResultArrays}).
     */
    static final class AcquireBatch extends MultiKeyProcessor<byte[]> {
        private Map<String, KeyCommands> commands;
        /** Whether each command's reserve is on the wire ({@code ACQUIRE_BATCH_RESERVED}): only when one has a reserve. */
        private boolean reservesOnWire;

        AcquireBatch() {}

        /** The empty processor of the wire form that carries reserves, for the factory. */
        static AcquireBatch reservedForm() {
            AcquireBatch b = new AcquireBatch();
            b.reservesOnWire = true;
            return b;
        }

        AcquireBatch(boolean entryTtl, Map<String, KeyCommands> commands) {
            super(entryTtl);
            this.commands = commands;
            this.reservesOnWire = anyReserve(commands);
        }

        private static boolean anyReserve(Map<String, KeyCommands> commands) {
            for (KeyCommands mine : commands.values()) {
                for (int i = 0; i < mine.size(); i++) {
                    if (mine.command(i).reservePpm() != 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        @Override
        MultiKeyProcessor<byte[]> copyForOperation() {
            return new AcquireBatch(entryTtl, commands);
        }

        @Override
        Transition<byte[]> apply(String key, BucketState current, long now) {
            KeyCommands mine = commands.get(key);
            byte[] results = ResultArrays.allocate(mine.size());
            BucketState s = current;
            for (int i = 0; i < mine.size(); i++) {
                AcquireCommand c = mine.command(i);
                Transition<AcquireResult> t = BucketProcessors.acquireOrRefuse(
                        this, s, c.spec(), c.tokens(), c.maxWaitMs(), c.reservePpm(), now);
                s = t.next();
                ResultArrays.put(results, i, mine.place(i), t.result());
            }
            return new Transition<>(s, results);
        }

        @Override
        public int getClassId() {
            return reservesOnWire
                    ? StoreDataSerializableFactory.ACQUIRE_BATCH_RESERVED
                    : StoreDataSerializableFactory.ACQUIRE_BATCH;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            out.writeInt(commands.size());
            for (Map.Entry<String, KeyCommands> e : commands.entrySet()) {
                KeyCommands mine = e.getValue();
                out.writeString(e.getKey());
                out.writeInt(mine.size());
                for (int i = 0; i < mine.size(); i++) {
                    AcquireCommand c = mine.command(i);
                    out.writeInt(mine.place(i));
                    BucketProcessors.writeSpec(out, c.spec());
                    out.writeLong(c.tokens());
                    out.writeLong(c.maxWaitMs());
                    if (reservesOnWire) {
                        out.writeLong(c.reservePpm());
                    }
                }
            }
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            int keys = in.readInt();
            commands = new HashMap<>(keys * 2);
            for (int k = 0; k < keys; k++) {
                String key = in.readString();
                int n = in.readInt();
                KeyCommands mine = new KeyCommands(n);
                for (int i = 0; i < n; i++) {
                    int place = in.readInt();
                    BucketSpec spec = BucketProcessors.readSpec(in);
                    long tokens = in.readLong();
                    long maxWaitMs = in.readLong();
                    long reservePpm = reservesOnWire ? in.readLong() : 0;
                    mine.add(place, new AcquireCommand(key, spec, tokens, maxWaitMs, reservePpm));
                }
                commands.put(key, mine);
            }
        }
    }

    /**
     * {@link BucketMath#drainDemand}: answers the sample, or null when there is no bucket. Sent to one key or to the
     * keys of many partitions at once.
     */
    static final class DrainDemand extends MultiKeyProcessor<DemandSample> {
        DrainDemand() {}

        DrainDemand(boolean entryTtl) {
            super(entryTtl);
        }

        @Override
        MultiKeyProcessor<DemandSample> copyForOperation() {
            return new DrainDemand(entryTtl);
        }

        @Override
        Transition<DemandSample> apply(String key, BucketState current, long now) {
            return current == null ? new Transition<>(null, null) : BucketMath.drainDemand(current, now);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.DRAIN_DEMAND;
        }

        @Override
        void writeFields(ObjectDataOutput out) {}

        @Override
        void readFields(ObjectDataInput in) {}
    }

    /** Removes the bucket if {@link BucketMath#isEvictable} at the owner's now; answers whether it did. */
    static final class EvictIfIdle extends MultiKeyProcessor<Boolean> {
        EvictIfIdle() {}

        @Override
        MultiKeyProcessor<Boolean> copyForOperation() {
            return new EvictIfIdle();
        }

        @Override
        Transition<Boolean> apply(String key, BucketState current, long now) {
            boolean evict = current != null && BucketMath.isEvictable(current, now);
            return new Transition<>(evict ? null : current, evict);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.EVICT_IF_IDLE;
        }

        @Override
        void writeFields(ObjectDataOutput out) {}

        @Override
        void readFields(ObjectDataInput in) {}
    }
}
