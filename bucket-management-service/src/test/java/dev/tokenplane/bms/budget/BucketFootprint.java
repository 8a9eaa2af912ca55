package dev.tokenplane.bms.budget;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.BmsSettings;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.support.TestSettings;
import dev.tokenplane.store.AcquireCommand;
import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.hazelcast.BucketMapSettings;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Measures the heap one bucket costs (the figure behind {@link BudgetSizing#BYTES_PER_BUCKET}): two members in this JVM,
 * so that every bucket is held twice (owner and backup) as in a cluster, with the BMS's map settings. Not a test: run
 * {@code java -cp <test classpath> dev.tokenplane.bms.budget.BucketFootprint [buckets] [keyLength] [ascii|wide]}.
 */
public final class BucketFootprint {
    private static final String MAP = "tp.buckets";

    private BucketFootprint() {}

    public static void main(String[] args) throws Exception {
        int buckets = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int keyLength = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        // "wide": pad with U+20AC (two bytes in a String, three in UTF-8), the costliest key of a given length
        char padding = args.length > 2 && args[2].equals("wide") ? '\u20ac' : 'x';
        String cluster = "footprint-" + UUID.randomUUID();
        int[] ports = {TestSettings.freePort(), TestSettings.freePort()};
        List<HazelcastInstance> members = new ArrayList<>();
        for (int port : ports) {
            BmsSettings settings = TestSettings.member(cluster)
                    .with("BMS_HAZELCAST_PORT", Integer.toString(port))
                    .with("BMS_CLUSTER_MEMBERS", "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1])
                    .build();
            Config config =
                    HazelcastMember.config(settings, settings.clusterSecret().orElseThrow());
            HazelcastBucketStore.configure(config, MAP, BucketMapSettings.defaults());
            members.add(Hazelcast.newHazelcastInstance(config));
        }
        HazelcastBucketStore store = new HazelcastBucketStore(members.get(0), MAP);
        BucketSpec spec = new BucketSpec(100, Tokens.ratePerMilli(10), Algorithm.TOKEN_BUCKET, 1, 600_000);
        store.acquire(pad("warm", keyLength, padding), spec, 1, 0)
                .toCompletableFuture()
                .get();
        long before = usedAfterGc();
        for (int start = 0; start < buckets; start += 1000) {
            List<AcquireCommand> batch = new ArrayList<>(1000);
            for (int i = start; i < Math.min(buckets, start + 1000); i++) {
                batch.add(new AcquireCommand(pad("flood:" + i + ":", keyLength, padding), spec, 1, 0));
            }
            store.acquireAll(batch).toCompletableFuture().get();
        }
        long after = usedAfterGc();
        long entries = members.get(0).getMap(MAP).size();
        System.out.printf(
                "buckets=%d keyLength=%d heapDelta=%d bytes perBucket(owner+backup)=%d%n",
                entries, keyLength, after - before, (after - before) / entries);
        members.forEach(HazelcastInstance::shutdown);
    }

    private static String pad(String prefix, int length, char padding) {
        StringBuilder sb = new StringBuilder(prefix);
        while (sb.length() < length) {
            sb.append(padding);
        }
        return sb.toString();
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(300);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
