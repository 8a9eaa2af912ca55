package dev.tokenplane.benchmarks;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.PartitioningStrategyConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.strategy.StringPartitioningStrategy;
import dev.tokenplane.store.hazelcast.BucketMapSettings;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import dev.tokenplane.store.hazelcast.IdleExpiry;
import dev.tokenplane.store.hazelcast.ShardedHazelcastBucketStore;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

/**
 * One embedded member on loopback, carrying both the tokenplane bucket map and Bucket4j's map, so both run on the same
 * member with the same settings (one synchronous backup, which a single member does not use).
 */
final class Members {

    static final String TOKENPLANE_MAP = "tokenplane-buckets";
    static final String BUCKET4J_MAP = "bucket4j-buckets";
    /** The same buckets in the sharded layout ({@link ShardedHazelcastBucketStore}), on the same members. */
    static final String SHARDED_MAP = "tokenplane-shards";

    private Members() {}

    static HazelcastInstance start(InMemoryFormat format, IdleExpiry expiry, InMemoryFormat bucket4jFormat) {
        return start(format, expiry, bucket4jFormat, false);
    }

    /**
     * @param colocate partition the tokenplane map by the part of a key after {@code @} (Hazelcast's
     *                 {@link StringPartitioningStrategy}), so keys that share it share a partition
     */
    static HazelcastInstance start(
            InMemoryFormat format, IdleExpiry expiry, InMemoryFormat bucket4jFormat, boolean colocate) {
        return start(format, expiry, bucket4jFormat, colocate, 271);
    }

    /** @param partitions the member's partition count ({@code hazelcast.partition.count}; Hazelcast's default 271) */
    static HazelcastInstance start(
            InMemoryFormat format, IdleExpiry expiry, InMemoryFormat bucket4jFormat, boolean colocate, int partitions) {
        return startCluster(1, format, expiry, bucket4jFormat, colocate, partitions)
                .get(0);
    }

    /**
     * {@code n} members of one new cluster in this JVM, on loopback (one synchronous backup each, used from two members
     * on); returns them once each sees all of them. Benchmarks call the first one.
     */
    static List<HazelcastInstance> startCluster(
            int n,
            InMemoryFormat format,
            IdleExpiry expiry,
            InMemoryFormat bucket4jFormat,
            boolean colocate,
            int partitions) {
        String cluster = "bench-" + UUID.randomUUID();
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            ports[i] = freePort();
        }
        List<HazelcastInstance> members = new ArrayList<>();
        for (int port : ports) {
            members.add(Hazelcast.newHazelcastInstance(
                    config(cluster, port, ports, format, expiry, bucket4jFormat, colocate, partitions)));
        }
        while (members.stream()
                .anyMatch(m -> m.getCluster().getMembers().size() != n
                        || !m.getPartitionService().isClusterSafe())) {
            LockSupport.parkNanos(10_000_000);
        }
        return members;
    }

    private static Config config(
            String cluster,
            int port,
            int[] ports,
            InMemoryFormat format,
            IdleExpiry expiry,
            InMemoryFormat bucket4jFormat,
            boolean colocate,
            int partitions) {
        Config config = new Config();
        config.setProperty("hazelcast.partition.count", Integer.toString(partitions));
        config.setClusterName(cluster);
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int member : ports) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + member);
        }
        HazelcastBucketStore.configure(
                config,
                TOKENPLANE_MAP,
                BucketMapSettings.defaults()
                        .withInMemoryFormat(format)
                        .withIdleExpiry(expiry)
                        .withSweepInterval(Duration.ZERO));
        ShardedHazelcastBucketStore.configure(
                config, SHARDED_MAP, BucketMapSettings.defaults().withSweepInterval(Duration.ZERO));
        if (colocate) {
            config.getMapConfig(TOKENPLANE_MAP)
                    .setPartitioningStrategyConfig(
                            new PartitioningStrategyConfig(StringPartitioningStrategy.class.getName()));
        }
        // Bucket4j's own serializers, so it does not fall back to Java serialization either.
        HazelcastProxyManager.addCustomSerializers(config.getSerializationConfig(), 10_000);
        config.getMapConfig(BUCKET4J_MAP).setInMemoryFormat(bucket4jFormat).setBackupCount(1);
        return config;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
