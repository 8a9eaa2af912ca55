package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import net.jqwik.api.lifecycle.AfterContainer;

/** Conservation under arbitrary faults on the Hazelcast store (one embedded member). */
class HazelcastTransferConservationProperties extends AbstractTransferConservationProperties {

    private static final HazelcastStores STORES = new HazelcastStores();

    @Override
    protected BucketStore newStore(FakeClock clock) {
        return STORES.newStore(clock);
    }

    @AfterContainer
    static void stopMember() {
        STORES.close();
    }
}
