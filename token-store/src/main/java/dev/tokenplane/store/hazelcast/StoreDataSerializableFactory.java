package dev.tokenplane.store.hazelcast;

import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

/**
 * Creates the store's processors and predicate on the receiving member. {@link #FACTORY_ID} must be unique among the
 * {@code IdentifiedDataSerializable} factories registered on a member.
 */
final class StoreDataSerializableFactory implements DataSerializableFactory {

    /** "TP", for tokenplane. */
    static final int FACTORY_ID = 0x5450;

    static final int ACQUIRE = 1;
    static final int ACQUIRE_BATCH = 2;
    static final int DEBIT = 3;
    static final int CREDIT = 4;
    static final int RESIZE = 5;
    static final int DRAIN_DEMAND = 6;
    static final int READ = 7;
    static final int EVICT_IF_IDLE = 8;
    static final int STATES_BACKUP = 10;
    static final int IDLE_PREDICATE = 11;
    static final int PARTITION_BATCH = 12;
    static final int REMOVE = 13;
    static final int RECONFIGURE = 14;
    static final int LOWER_TOKENS_MERGE = 15;
    /** {@link #ACQUIRE} with the request's reserve after its fields: a new id, so the old form stays as it was. */
    static final int ACQUIRE_RESERVED = 16;
    /** {@link #ACQUIRE_BATCH} with a reserve after each command: a new id, so the old form stays as it was. */
    static final int ACQUIRE_BATCH_RESERVED = 17;
    /** The sharded layout's classes ({@link ShardedHazelcastBucketStore}). */
    static final int SHARD_KEY = 18;

    static final int BUCKET_SHARD = 19;
    static final int SHARD_PROCESSOR = 20;
    static final int SHARD_BACKUP = 21;

    @Override
    public IdentifiedDataSerializable create(int classId) {
        return switch (classId) {
            case ACQUIRE -> new BucketProcessors.Acquire();
            case ACQUIRE_BATCH -> new MultiKeyProcessors.AcquireBatch();
            case DEBIT -> new BucketProcessors.Debit();
            case CREDIT -> new BucketProcessors.Credit();
            case RESIZE -> new BucketProcessors.Resize();
            case DRAIN_DEMAND -> new MultiKeyProcessors.DrainDemand();
            case READ -> new BucketProcessors.Read();
            case EVICT_IF_IDLE -> new MultiKeyProcessors.EvictIfIdle();
            case STATES_BACKUP -> new StatesBackup<>();
            case IDLE_PREDICATE -> new IdlePredicate();
            case PARTITION_BATCH -> new HazelcastInternals.PartitionBatchFactory();
            case REMOVE -> new BucketProcessors.Remove();
            case RECONFIGURE -> new BucketProcessors.Reconfigure();
            case LOWER_TOKENS_MERGE -> new LowerTokensMergePolicy();
            case ACQUIRE_RESERVED -> BucketProcessors.Acquire.reservedForm();
            case ACQUIRE_BATCH_RESERVED -> MultiKeyProcessors.AcquireBatch.reservedForm();
            case SHARD_KEY -> new ShardKey();
            case BUCKET_SHARD -> new BucketShard();
            case SHARD_PROCESSOR -> new ShardProcessor();
            case SHARD_BACKUP -> new ShardBackup();
            default -> throw new IllegalArgumentException("unknown tokenplane store class id " + classId);
        };
    }
}
