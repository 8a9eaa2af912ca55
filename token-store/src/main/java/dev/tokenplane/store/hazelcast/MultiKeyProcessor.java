package dev.tokenplane.store.hazelcast;

import dev.tokenplane.store.CreationGate;
import java.time.InstantSource;

/**
 * A processor sent to many keys at once ({@code submitToKeys}). Hazelcast runs one operation per partition and shares
 * the processor instance between them, on different partition threads, then asks each operation's processor for its
 * backup. So {@link #bind} hands every operation its own copy, which collects the states written to that partition's
 * keys, and the backup processor copies exactly those.
 */
abstract class MultiKeyProcessor<R> extends BucketProcessor<R> {

    MultiKeyProcessor() {}

    MultiKeyProcessor(boolean entryTtl) {
        super(entryTtl);
    }

    /** A copy sharing this processor's (immutable) arguments, with no per-operation state. */
    abstract MultiKeyProcessor<R> copyForOperation();

    @Override
    final BucketProcessor<R> bind(InstantSource memberClock, CreationGate memberGate) {
        return copyForOperation().withMember(memberClock, memberGate);
    }
}
