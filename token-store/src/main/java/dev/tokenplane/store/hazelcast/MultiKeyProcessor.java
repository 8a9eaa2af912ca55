package dev.tokenplane.store.hazelcast;

import com.hazelcast.map.EntryProcessor;

import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A processor sent to many keys at once ({@code submitToKeys}). Hazelcast runs one operation per partition and shares
 * the processor instance between them, on different partition threads, then asks each operation's processor for its
 * backup. So {@link #bind} hands every operation its own copy, which collects the states written to that partition's
 * keys, and the backup processor copies exactly those.
 */
abstract class MultiKeyProcessor<R> extends BucketProcessor<R> {

    private transient Map<String, StatesBackup.Written> writes;

    MultiKeyProcessor() {
    }

    MultiKeyProcessor(boolean entryTtl) {
        super(entryTtl);
    }

    /** A copy sharing this processor's (immutable) arguments, with no per-operation state. */
    abstract MultiKeyProcessor<R> copyForOperation();

    @Override
    final BucketProcessor<R> bind(InstantSource memberClock) {
        return copyForOperation().withClock(memberClock);
    }

    @Override
    final void recordWrite(String key, byte[] bytes, long ttlMillis) {
        if (writes == null) {
            writes = new LinkedHashMap<>();
        }
        writes.put(key, new StatesBackup.Written(bytes, ttlMillis));
    }

    @Override
    public final EntryProcessor<String, byte[], R> getBackupProcessor() {
        return writes == null ? null : new StatesBackup<>(writes);
    }
}
