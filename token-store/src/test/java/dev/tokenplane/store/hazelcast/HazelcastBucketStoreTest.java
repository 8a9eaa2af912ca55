package dev.tokenplane.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;

/**
 * The store contract against one embedded member whose clock is the test's fake clock. The member is shared by the
 * class (it takes seconds to start); each test starts from an empty map.
 */
class HazelcastBucketStoreTest extends AbstractBucketStoreContractTest {

    private static final String MAP = "buckets";
    private static final SwitchableClock MEMBER_CLOCK = new SwitchableClock();
    private static HazelcastInstance member;

    @Override
    protected BucketStore newStore(FakeClock clock) {
        if (member == null) {
            int port = TestMembers.freePorts(1)[0];
            Config config = TestMembers.config(TestMembers.uniqueClusterName(), port, port);
            HazelcastBucketStore.configure(config, MAP, BucketMapSettings.defaults()
                    .withSweepInterval(Duration.ZERO).withClock(MEMBER_CLOCK));
            member = TestMembers.start(config);
        }
        MEMBER_CLOCK.use(clock);
        member.getMap(MAP).clear();
        return new HazelcastBucketStore(member, MAP);
    }

    @AfterAll
    static void stopMember() {
        if (member != null) {
            member.shutdown();
            member = null;
        }
    }
}
