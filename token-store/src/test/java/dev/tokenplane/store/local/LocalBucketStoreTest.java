package dev.tokenplane.store.local;

import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;

class LocalBucketStoreTest extends AbstractBucketStoreContractTest {
    @Override
    protected BucketStore newStore(FakeClock clock) {
        return new LocalBucketStore(clock);
    }
}
