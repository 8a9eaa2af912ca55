package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.impl.MapService;
import com.hazelcast.map.impl.MapServiceContext;
import com.hazelcast.map.impl.proxy.MapProxyImpl;
import com.hazelcast.map.impl.recordstore.RecordStore;
import dev.tokenplane.store.AbstractBucketStoreContractTest;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a map whose keys are placed by tenant ({@link TenantColocation}), and the placement itself:
 * a tenant's keys share one partition, where the member's own single-key and multi-key operations find them.
 */
class ColocatedHazelcastBucketStoreTest extends AbstractBucketStoreContractTest {

    private static final String MAP = "colocated-buckets";
    private static final SwitchableClock MEMBER_CLOCK = new SwitchableClock();
    private static HazelcastInstance member;

    @Override
    protected BucketStore newStore(FakeClock clock) {
        if (member == null) {
            member = TestMembers.startWithBuckets(MAP, MEMBER_CLOCK, config -> TenantColocation.enable(config, MAP));
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

    @Test
    void aTenantsKeysShareOnePartitionAndABatchOfThemDecidesEachKey() {
        BucketSpec spec = BucketSpec.of(2, 1);
        List<AcquireCommand> batch = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            batch.add(new AcquireCommand("route-" + i + "@tenant-a", spec, 1, 0));
            batch.add(new AcquireCommand("route-" + i + "@tenant-a", spec, 2, 0));
        }
        List<AcquireResult> results =
                store.acquireAll(batch).toCompletableFuture().join();
        for (int i = 0; i < batch.size(); i++) {
            assertThat(results.get(i).granted()).as("command %d", i).isEqualTo(i % 2 == 0);
        }

        // Where the member really keeps them: the partitions whose record store for the map holds entries.
        MapProxyImpl<String, byte[]> map = (MapProxyImpl<String, byte[]>) member.<String, byte[]>getMap(MAP);
        MapServiceContext context = ((MapService) map.getService()).getMapServiceContext();
        Map<Integer, Integer> entriesByPartition = new HashMap<>();
        for (int p = 0; p < member.getPartitionService().getPartitions().size(); p++) {
            RecordStore<?> records = context.getPartitionContainer(p).getExistingRecordStore(MAP);
            if (records != null && records.size() > 0) {
                entriesByPartition.put(p, records.size());
            }
        }
        int tenantPartition =
                member.getPartitionService().getPartition("tenant-a").getPartitionId();
        assertThat(entriesByPartition).isEqualTo(Map.of(tenantPartition, 100));
        assertThat(TenantColocation.placement("route-1@tenant-a")).isEqualTo("tenant-a");
        assertThat(TenantColocation.placement("plain")).isEqualTo("plain");
    }
}
