package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.Predicate;
import dev.tokenplane.store.BucketMath;
import java.io.IOException;
import java.util.Map;

/**
 * Selects the buckets that are {@link BucketMath#isEvictable} at {@code now}, for the sweep's local query. It only
 * nominates candidates: {@link MultiKeyProcessors.EvictIfIdle} checks again, atomically, before removing one.
 *
 * <p>The query reads the stored arrays off their partition threads while decisions overwrite them in place
 * ({@link PackedState#encodeInto}), so a state it reads may be torn. A torn state that does not decode, or decodes to
 * nonsense that the arithmetic refuses, is nominated: the atomic check decides.
 */
final class IdlePredicate implements Predicate<String, byte[]>, IdentifiedDataSerializable {

    private long now;

    IdlePredicate() {}

    IdlePredicate(long now) {
        this.now = now;
    }

    @Override
    public boolean apply(Map.Entry<String, byte[]> entry) {
        byte[] value = entry.getValue();
        if (value == null) {
            return false;
        }
        try {
            return BucketMath.isEvictable(PackedState.decode(value), now);
        } catch (RuntimeException torn) {
            return true;
        }
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.IDLE_PREDICATE;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeLong(now);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        now = in.readLong();
    }
}
