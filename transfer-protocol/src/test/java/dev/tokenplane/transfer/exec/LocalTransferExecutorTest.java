package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;

class LocalTransferExecutorTest extends AbstractTransferExecutorTest {
    @Override
    protected BucketStore newStore(FakeClock clock) {
        return new LocalBucketStore(clock);
    }
}
