package dev.tokenplane.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hazelcast members for tests: loopback tcp-ip, a unique cluster name, free ports found at run time. Public, in the
 * test jar, so that other modules' tests (the transfer executor suite) start their members the same way.
 */
public final class TestMembers {

    private TestMembers() {}

    /** A cluster name no other test (of any module or helper) uses. */
    public static String uniqueClusterName() {
        return "test-" + UUID.randomUUID();
    }

    public static int[] freePorts(int n) {
        int[] ports = new int[n];
        List<ServerSocket> open = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0);
                open.add(s);
                ports[i] = s.getLocalPort();
            }
            for (ServerSocket s : open) {
                s.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ports;
    }

    /**
     * A member config on {@code port} of 127.0.0.1 that joins {@code members} by tcp-ip, with multicast and
     * auto-detection off, and the production members' Java serialization filter
     * ({@link MemberSerialization}): a type that travels between members by Java serialization fails the test that
     * sends it.
     */
    public static Config config(String clusterName, int port, int... members) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        // Faster failure detection and partition recovery for the member-failure test.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = config.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int member : members) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + member);
        }
        return MemberSerialization.denyJavaSerialization(config);
    }

    public static HazelcastInstance start(Config config) {
        return Hazelcast.newHazelcastInstance(config);
    }

    /**
     * One member of a new cluster with the bucket map {@code mapName} on {@code memberClock}, idle sweeps off (a test
     * sweeps when it wants to).
     */
    public static HazelcastInstance startWithBuckets(String mapName, InstantSource memberClock) {
        return startWithBuckets(mapName, memberClock, config -> {});
    }

    /** {@link #startWithBuckets(String, InstantSource)}, with {@code customize} applied to the config last. */
    public static HazelcastInstance startWithBuckets(
            String mapName, InstantSource memberClock, java.util.function.Consumer<Config> customize) {
        int port = freePorts(1)[0];
        Config config = config(uniqueClusterName(), port, port);
        HazelcastBucketStore.configure(
                config,
                mapName,
                BucketMapSettings.defaults().withSweepInterval(Duration.ZERO).withClock(memberClock));
        customize.accept(config);
        return start(config);
    }

    /**
     * Starts {@code n} members of one new cluster, each configured by {@code configure} (called with its config),
     * and waits until each sees all of them.
     */
    public static List<HazelcastInstance> startCluster(int n, java.util.function.Consumer<Config> configure) {
        String cluster = uniqueClusterName();
        int[] ports = freePorts(n);
        List<HazelcastInstance> members = new ArrayList<>();
        for (int port : ports) {
            Config config = config(cluster, port, ports);
            configure.accept(config);
            members.add(start(config));
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (members.stream().anyMatch(m -> m.getCluster().getMembers().size() != n)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster of " + n + " did not form");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        // Partitions are assigned lazily; assign them now and let migrations settle, so ownership is stable.
        int unused =
                members.get(0).getMap("partition-warm-up").size(); // the call assigns them; its result is not needed
        while (!members.stream()
                .allMatch(m -> m.getPartitionService().isClusterSafe()
                        && m.getPartitionService().getPartitions().stream().allMatch(p -> p.getOwner() != null))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster of " + n + " did not become safe");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
        return members;
    }
}
