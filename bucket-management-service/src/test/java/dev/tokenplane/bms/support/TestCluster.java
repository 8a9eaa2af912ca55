package dev.tokenplane.bms.support;

import dev.tokenplane.bms.BmsNode;
import dev.tokenplane.bms.BmsOptions;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Several BMS members in this JVM (each its own Vert.x and Hazelcast instance, data directory and ports), joined
 * through BMS_CLUSTER_MEMBERS under a unique cluster name.
 */
public final class TestCluster implements AutoCloseable {
    public static final String ADMIN_TOKEN = "cluster-admin-token-0123456789";

    private final List<TestSettings> settings = new ArrayList<>();
    private final BmsNode[] nodes;

    public TestCluster(int size) throws IOException {
        String name = "test-" + UUID.randomUUID();
        for (int i = 0; i < size; i++) {
            settings.add(TestSettings.member(name).with("BMS_ADMIN_TOKEN", ADMIN_TOKEN));
        }
        String members =
                settings.stream().map(s -> "127.0.0.1:" + s.hazelcastPort()).collect(Collectors.joining(","));
        settings.forEach(s -> s.with("BMS_CLUSTER_MEMBERS", members));
        nodes = new BmsNode[size];
    }

    /** Starts member {@code i} (again, after a stop, on the same data directory and ports). */
    public BmsNode start(int i) throws Exception {
        return start(i, BmsOptions.CORE);
    }

    public BmsNode start(int i, BmsOptions options) throws Exception {
        nodes[i] = BmsNode.start(settings.get(i).build(), options, InstantSource.system());
        awaitClusterSafe();
        return nodes[i];
    }

    /**
     * Waits until every partition has its backups in place. Hazelcast promises to lose nothing when one member dies
     * only in this state: right after a member joins, partitions are still migrating and a backup may be missing.
     */
    public void awaitClusterSafe() {
        for (BmsNode node : nodes) {
            if (node != null) {
                Await.until(() -> node.hazelcast().getPartitionService().isClusterSafe());
            }
        }
    }

    public BmsNode node(int i) {
        return nodes[i];
    }

    public Api api(int i) {
        return new Api(nodes[i].url(), ADMIN_TOKEN);
    }

    public TestSettings settings(int i) {
        return settings.get(i);
    }

    /** Stops member {@code i} gracefully. */
    public void stop(int i) {
        if (nodes[i] != null) {
            nodes[i].stop();
            nodes[i] = null;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            stop(i);
        }
    }
}
