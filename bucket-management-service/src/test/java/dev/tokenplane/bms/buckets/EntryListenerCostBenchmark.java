package dev.tokenplane.bms.buckets;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.query.Predicates;
import com.sun.management.OperatingSystemMXBean;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import dev.tokenplane.store.hazelcast.TestMembers;
import java.lang.management.ManagementFactory;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What the owned-bucket index's local entry listener (added and removed events only) costs each decision: the member's
 * process CPU per store acquire on 10,000 existing buckets, without and with such a listener registered, alternating in
 * one JVM (200,000 acquires per round, 64 in flight). Prints one line per round; no assertion.
 *
 * <p>{@code mvn -B -ntp -pl bucket-management-service -am test -Pbench -Dtest=EntryListenerCostBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtp.clientMode.skip=true}
 */
class EntryListenerCostBenchmark {
    @Test
    void shouldPrintTheCpuPerAcquireWithoutAndWithTheListener() throws Exception {
        HazelcastInstance hz = TestMembers.startWithBuckets("probe", InstantSource.system());
        HazelcastBucketStore store = new HazelcastBucketStore(hz, "probe");
        IMap<String, byte[]> map = hz.getMap("probe");
        BucketSpec spec = new BucketSpec(1_000_000_000L, 1_000_000L, dev.tokenplane.store.Algorithm.TOKEN_BUCKET, 0, 0);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        run(store, spec, 200_000);
        for (int round = 0; round < 6; round++) {
            boolean with = round % 2 == 1;
            UUID id = with ? map.addLocalEntryListener(new L(), Predicates.alwaysTrue(), false) : null;
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            run(store, spec, 200_000);
            long cpu = os.getProcessCpuTime() - cpu0;
            long wall = System.nanoTime() - t0;
            System.out.printf(
                    "listener=%s cpu/op=%.2f us wall/op=%.2f us load=%s%n",
                    with,
                    cpu / 200_000e3,
                    wall / 200_000e3,
                    new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"))).split(" ")[0]);
            if (id != null) map.removeEntryListener(id);
        }
        hz.shutdown();
    }

    private static void run(HazelcastBucketStore store, BucketSpec spec, int n) throws Exception {
        List<CompletableFuture<?>> inflight = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            inflight.add(store.acquire("k" + (i % 10_000), spec, 1, 0).toCompletableFuture());
            if (inflight.size() == 64) {
                CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new))
                        .get();
                inflight.clear();
            }
        }
        CompletableFuture.allOf(inflight.toArray(CompletableFuture[]::new)).get();
    }

    static final class L implements EntryAddedListener<String, byte[]>, EntryRemovedListener<String, byte[]> {
        @Override
        public void entryAdded(com.hazelcast.core.EntryEvent<String, byte[]> e) {}

        @Override
        public void entryRemoved(com.hazelcast.core.EntryEvent<String, byte[]> e) {}
    }
}
