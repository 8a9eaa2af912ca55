package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import org.junit.jupiter.api.AfterAll;

/** The executor's contract, with its faults, on the Hazelcast store (one embedded member). */
class HazelcastTransferExecutorTest extends AbstractTransferExecutorTest {

    private static final HazelcastStores STORES = new HazelcastStores();

    @Override
    protected BucketStore newStore(FakeClock clock) {
        return STORES.newStore(clock);
    }

    @AfterAll
    static void stopMember() {
        STORES.close();
    }
}
