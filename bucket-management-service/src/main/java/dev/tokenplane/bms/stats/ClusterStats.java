package dev.tokenplane.bms.stats;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's decision statistics: this member's {@link DecisionStats}, offered to the others through the member's
 * user context, and {@link #gather} asking every member for theirs with a {@link StatsTask}.
 */
public final class ClusterStats {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterStats.class);
    /** The executor the tasks run on (member-local, small). */
    static final String EXECUTOR = "tp.stats";
    /** How long the answering member waits for the others. */
    private static final long TIMEOUT_MS = 2_000;

    private final HazelcastInstance hazelcast;
    private final DecisionStats local;
    private final InstantSource clock;

    /** Registers this member's statistics so that {@link StatsTask}s from other members find them. */
    public ClusterStats(HazelcastInstance hazelcast, DecisionStats local, InstantSource clock) {
        this.hazelcast = hazelcast;
        this.local = local;
        this.clock = clock;
        Supplier<MemberStats> snapshot = () -> local.snapshot(clock.millis());
        hazelcast.getUserContext().put(StatsTask.USER_CONTEXT_KEY, snapshot);
    }

    /** Adds the task's serializer to the member configuration. */
    public static void configure(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(StatsTask.FACTORY_ID, new StatsTask.Factory());
        config.getExecutorConfig(EXECUTOR).setPoolSize(2).setQueueCapacity(64);
    }

    public DecisionStats local() {
        return local;
    }

    /** Members in the cluster now. */
    public int members() {
        return hazelcast.getCluster().getMembers().size();
    }

    /**
     * Every member's statistics that arrive within {@value #TIMEOUT_MS} ms (a member that does not answer is left out,
     * and the report says how many answered). Blocks: call it on a worker.
     */
    public List<MemberStats> gather() {
        List<MemberStats> out = new ArrayList<>();
        if (!(hazelcast.getLocalEndpoint() instanceof Member)) {
            out.add(local.snapshot(clock.millis())); // a BMS in client mode: its own decisions; data members have none
        }
        IExecutorService executor = hazelcast.getExecutorService(EXECUTOR);
        Map<Member, Future<StatsTask.Answer>> answers = executor.submitToAllMembers(new StatsTask());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        for (Map.Entry<Member, Future<StatsTask.Answer>> e : answers.entrySet()) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                StatsTask.Answer a = e.getValue().get(left, TimeUnit.NANOSECONDS);
                if (a.stats() != null) {
                    out.add(a.stats());
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception ex) {
                LOG.debug("no statistics from {}: {}", e.getKey(), ex.toString());
            }
        }
        return out;
    }
}
