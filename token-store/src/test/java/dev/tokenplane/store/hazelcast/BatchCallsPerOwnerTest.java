package dev.tokenplane.store.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ManagedContext;
import com.hazelcast.partition.Partition;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a batch of random keys costs in Hazelcast calls, counted on three real members: each member's
 * {@link ManagedContext} (which Hazelcast hands every object it deserializes, and every entry processor before a
 * partition operation runs it) counts the batch calls a member receives and the partition operations it runs.
 */
class BatchCallsPerOwnerTest {

    private static final String BUCKETS = "buckets";
    private static final List<Counting> counters = new ArrayList<>();
    private static List<HazelcastInstance> members;

    /** Counts what passes through a member's context before the store's own context sees it. */
    static final class Counting implements ManagedContext {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger partitionOperations = new AtomicInteger();

        @Override
        public Object initialize(Object obj) {
            if (obj instanceof HazelcastInternals.PartitionBatchFactory) {
                calls.incrementAndGet();
            } else if (obj instanceof MultiKeyProcessors.AcquireBatch) {
                partitionOperations.incrementAndGet();
            }
            return obj;
        }
    }

    @BeforeAll
    static void startCluster() {
        BucketMapSettings settings =
                BucketMapSettings.defaults().withClock(new FakeClock()).withSweepInterval(Duration.ZERO);
        members = TestMembers.startCluster(3, config -> {
            Counting counting = new Counting();
            counters.add(counting);
            config.setManagedContext(counting);
            HazelcastBucketStore.configure(config, BUCKETS, settings);
        });
    }

    @AfterAll
    static void stopCluster() {
        members.forEach(m -> m.getLifecycleService().terminate());
    }

    /**
     * A batch of 100 random keys sent through member 0 reaches each other member that owns some of its keys in exactly
     * one call, and runs on member 0 one partition operation per partition of member 0 that its keys touch (not one
     * per key, and not one per partition of the cluster).
     */
    @Test
    void shouldSendABatchOfRandomKeysInOneCallPerOwningMember() {
        // Given 100 random keys, and which member owns each and in which partition
        Random random = new Random(18);
        String prefix = "calls-" + UUID.randomUUID() + "-";
        BucketSpec spec = BucketSpec.of(10, 10);
        List<AcquireCommand> batch = new ArrayList<>();
        Set<Integer> partitionsOfMember0 = new HashSet<>();
        List<Set<Integer>> partitionsByOwner = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
        for (int i = 0; i < 100; i++) {
            String key = prefix + random.nextInt(100_000);
            batch.add(new AcquireCommand(key, spec, 1, 0));
            Partition partition = members.get(0).getPartitionService().getPartition(key);
            for (int m = 0; m < 3; m++) {
                if (partition
                        .getOwner()
                        .getUuid()
                        .equals(members.get(m).getLocalEndpoint().getUuid())) {
                    partitionsByOwner.get(m).add(partition.getPartitionId());
                }
            }
        }
        partitionsOfMember0.addAll(partitionsByOwner.get(0));
        assertThat(partitionsByOwner).allSatisfy(p -> assertThat(p).isNotEmpty());
        counters.forEach(c -> {
            c.calls.set(0);
            c.partitionOperations.set(0);
        });

        // When member 0's store sends the batch
        HazelcastBucketStore store = new HazelcastBucketStore(members.get(0), BUCKETS);
        List<AcquireResult> results = store.acquireAll(batch)
                .toCompletableFuture()
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        store.close();

        // Then every command is answered, each other owner received one call, and member 0 ran one operation per
        // partition of its own that the keys touch
        assertThat(results).hasSize(100).allMatch(AcquireResult::granted);
        assertThat(counters.get(1).calls).hasValue(1);
        assertThat(counters.get(2).calls).hasValue(1);
        assertThat(counters.get(0).partitionOperations).hasValue(partitionsOfMember0.size());
    }
}
