package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.SplitMerge;

/**
 * The bucket map's merge policy after a split brain heals: of the two copies of a bucket, the one with fewer tokens
 * ({@link SplitMerge#keepLower}), so a healed cluster never adds tokens. Hazelcast sends it between members with the
 * merge operations, hence {@link IdentifiedDataSerializable}; it has no state.
 */
public final class LowerTokensMergePolicy
        implements SplitBrainMergePolicy<Object, MergingValue<Object>, Object>, IdentifiedDataSerializable {

    public LowerTokensMergePolicy() {
        // instantiated by Hazelcast from the map's merge policy config, and by the factory
    }

    @Override
    public Object merge(MergingValue<Object> merging, MergingValue<Object> existing) {
        if (existing == null) {
            return merging.getRawValue();
        }
        BucketState mine = PackedState.decode((byte[]) existing.getDeserializedValue());
        BucketState theirs = PackedState.decode((byte[]) merging.getDeserializedValue());
        BucketState kept = SplitMerge.keepLower(mine, theirs);
        if (kept == mine) {
            return existing.getRawValue();
        }
        return kept == theirs ? merging.getRawValue() : PackedState.encode(kept);
    }

    @Override
    public int getFactoryId() {
        return StoreDataSerializableFactory.FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return StoreDataSerializableFactory.LOWER_TOKENS_MERGE;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // no state
    }

    @Override
    public void readData(ObjectDataInput in) {
        // no state
    }
}
