package dev.tokenplane.store.hazelcast;

import com.hazelcast.core.ReadOnly;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.Transition;
import java.io.IOException;

/**
 * The entry processors of {@link HazelcastBucketStore}, one per {@link dev.tokenplane.store.BucketStore} operation.
 * Each one only adapts: it names a {@link BucketMath} function and carries its arguments.
 */
final class BucketProcessors {

    private BucketProcessors() {}

    /**
     * {@link BucketMath#acquire}: answers an {@link AcquireResult}; {@link AcquireResult.Refused} when it would create
     * the bucket and the member's {@link dev.tokenplane.store.CreationGate} says no.
     */
    static final class Acquire extends BucketProcessor<AcquireResult> {
        private BucketSpec spec;
        private long tokens;
        private long maxWaitMs;
        /** The class's reserve; on the wire only in the {@code ACQUIRE_RESERVED} form, so plain acquires keep theirs. */
        private long reservePpm;

        private boolean reserveOnWire;

        Acquire() {}

        /** The empty processor of the wire form that carries a reserve, for the factory. */
        static Acquire reservedForm() {
            Acquire a = new Acquire();
            a.reserveOnWire = true;
            return a;
        }

        Acquire(boolean entryTtl, BucketSpec spec, long tokens, long maxWaitMs) {
            this(entryTtl, spec, tokens, maxWaitMs, 0);
        }

        Acquire(boolean entryTtl, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
            super(entryTtl);
            this.spec = spec;
            this.tokens = tokens;
            this.maxWaitMs = maxWaitMs;
            this.reservePpm = reservePpm;
            this.reserveOnWire = reservePpm != 0;
        }

        @Override
        Transition<AcquireResult> apply(String key, BucketState current, long now) {
            return acquireOrRefuse(this, current, spec, tokens, maxWaitMs, reservePpm, now);
        }

        @Override
        public int getClassId() {
            return reserveOnWire ? StoreDataSerializableFactory.ACQUIRE_RESERVED : StoreDataSerializableFactory.ACQUIRE;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            writeSpec(out, spec);
            out.writeLong(tokens);
            out.writeLong(maxWaitMs);
            if (reserveOnWire) {
                out.writeLong(reservePpm);
            }
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            spec = readSpec(in);
            tokens = in.readLong();
            maxWaitMs = in.readLong();
            reservePpm = reserveOnWire ? in.readLong() : 0;
        }
    }

    /** {@link BucketMath#debit(BucketState, long, long, long, long)} on an existing bucket: answers nanotokens taken. */
    static final class Debit extends BucketProcessor<Long> {
        private long nanotokens;
        private long floorNanotokens;
        private long transferId;

        Debit() {}

        Debit(boolean entryTtl, long nanotokens, long floorNanotokens, long transferId) {
            super(entryTtl);
            this.nanotokens = nanotokens;
            this.floorNanotokens = floorNanotokens;
            this.transferId = transferId;
        }

        @Override
        Transition<Long> apply(String key, BucketState current, long now) {
            return current == null
                    ? new Transition<>(null, BucketMath.absentStep(transferId))
                    : BucketMath.debit(current, nanotokens, floorNanotokens, transferId, now);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.DEBIT;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            out.writeLong(nanotokens);
            out.writeLong(floorNanotokens);
            out.writeLong(transferId);
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            nanotokens = in.readLong();
            floorNanotokens = in.readLong();
            transferId = in.readLong();
        }
    }

    /** {@link BucketMath#credit(BucketState, long, long, long)} on an existing bucket: answers nanotokens accepted. */
    static final class Credit extends BucketProcessor<Long> {
        private long nanotokens;
        private long transferId;

        Credit() {}

        Credit(boolean entryTtl, long nanotokens, long transferId) {
            super(entryTtl);
            this.nanotokens = nanotokens;
            this.transferId = transferId;
        }

        @Override
        Transition<Long> apply(String key, BucketState current, long now) {
            return current == null
                    ? new Transition<>(null, BucketMath.absentStep(transferId))
                    : BucketMath.credit(current, nanotokens, transferId, now);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.CREDIT;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            out.writeLong(nanotokens);
            out.writeLong(transferId);
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            nanotokens = in.readLong();
            transferId = in.readLong();
        }
    }

    /**
     * {@link BucketMath#resize} on an existing bucket, or {@link BucketMath#resizeIf} when it carries the generation
     * the resize was computed against: answers the new state, or null when there is no bucket or it was refused.
     */
    static final class Resize extends BucketProcessor<BucketState> {
        private long capacity;
        private long ratePerMilli;
        private boolean guarded;
        private long generation;

        Resize() {}

        Resize(boolean entryTtl, long capacity, long ratePerMilli) {
            super(entryTtl);
            this.capacity = capacity;
            this.ratePerMilli = ratePerMilli;
        }

        Resize(boolean entryTtl, long capacity, long ratePerMilli, long generation) {
            this(entryTtl, capacity, ratePerMilli);
            this.guarded = true;
            this.generation = generation;
        }

        @Override
        Transition<BucketState> apply(String key, BucketState current, long now) {
            if (current == null) {
                return new Transition<>(null, null);
            }
            BucketState next = guarded
                    ? BucketMath.resizeIf(current, generation, capacity, ratePerMilli, now)
                    : BucketMath.resize(current, capacity, ratePerMilli, now);
            return next == null ? new Transition<>(current, null) : new Transition<>(next, next);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.RESIZE;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            out.writeLong(capacity);
            out.writeLong(ratePerMilli);
            out.writeBoolean(guarded);
            out.writeLong(generation);
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            capacity = in.readLong();
            ratePerMilli = in.readLong();
            guarded = in.readBoolean();
            generation = in.readLong();
        }
    }

    /** {@link BucketMath#adopt} on an existing bucket: answers the new state, or null when there is no bucket. */
    static final class Reconfigure extends BucketProcessor<BucketState> {
        private BucketSpec spec;

        Reconfigure() {}

        Reconfigure(boolean entryTtl, BucketSpec spec) {
            super(entryTtl);
            this.spec = spec;
        }

        @Override
        Transition<BucketState> apply(String key, BucketState current, long now) {
            if (current == null) {
                return new Transition<>(null, null);
            }
            BucketState next = BucketMath.adopt(current, spec, now);
            return new Transition<>(next, next);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.RECONFIGURE;
        }

        @Override
        void writeFields(ObjectDataOutput out) throws IOException {
            writeSpec(out, spec);
        }

        @Override
        void readFields(ObjectDataInput in) throws IOException {
            spec = readSpec(in);
        }
    }

    /** The bucket refilled to the owner's now, written nowhere: null when there is no bucket. */
    static final class Read extends BucketProcessor<BucketState> implements ReadOnly {
        Read() {}

        @Override
        Transition<BucketState> apply(String key, BucketState current, long now) {
            return new Transition<>(current, current == null ? null : BucketMath.refill(current, now));
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.READ;
        }

        @Override
        void writeFields(ObjectDataOutput out) {}

        @Override
        void readFields(ObjectDataInput in) {}
    }

    /** Removes the bucket; answers whether there was one. */
    static final class Remove extends BucketProcessor<Boolean> {
        Remove() {}

        @Override
        Transition<Boolean> apply(String key, BucketState current, long now) {
            return new Transition<>(null, current != null);
        }

        @Override
        public int getClassId() {
            return StoreDataSerializableFactory.REMOVE;
        }

        @Override
        void writeFields(ObjectDataOutput out) {}

        @Override
        void readFields(ObjectDataInput in) {}
    }

    /** An acquire that asks the member's gate first when it would create the bucket; refused, nothing is written. */
    static Transition<AcquireResult> acquireOrRefuse(
            BucketProcessor<?> processor,
            BucketState current,
            BucketSpec spec,
            long tokens,
            long maxWaitMs,
            long reservePpm,
            long now) {
        Transition<AcquireResult> t = BucketMath.acquire(current, spec, tokens, maxWaitMs, reservePpm, now);
        if (current == null && t.next() != null && !processor.mayCreate(spec)) {
            return new Transition<>(null, AcquireResult.Refused.of(tokens, spec));
        }
        return t;
    }

    static void writeSpec(ObjectDataOutput out, BucketSpec spec) throws IOException {
        out.writeLong(spec.capacity());
        out.writeLong(spec.ratePerMilli());
        out.writeByte(spec.algorithm().ordinal());
        out.writeLong(spec.generation());
        out.writeLong(spec.idleTtlMillis());
    }

    static BucketSpec readSpec(ObjectDataInput in) throws IOException {
        return new BucketSpec(
                in.readLong(), in.readLong(), Algorithm.values()[in.readByte()], in.readLong(), in.readLong());
    }
}
