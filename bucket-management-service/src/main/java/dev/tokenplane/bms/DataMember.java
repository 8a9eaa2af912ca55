package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.cluster.DataTier;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.cluster.StartupRetry;
import dev.tokenplane.bms.leases.LeaseLedger;
import dev.tokenplane.bms.stats.ClusterStats;
import dev.tokenplane.store.CreationGate;
import dev.tokenplane.store.hazelcast.CompactSchemas;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A data member: a Hazelcast member that holds the BMS's buckets and configuration for BMS processes in client mode
 * ({@code BMS_HAZELCAST_MODE=client}), and serves no HTTP. It has the maps, serializers and processors of an embedded
 * BMS member ({@link #memberConfig}), a client endpoint for the BMS processes beside the members-only member endpoint,
 * its own bucket budget ({@code BMS_MAX_BUCKETS}, recounted every second) and the idle-bucket sweep of the buckets it
 * owns.
 *
 * <p>Not here: the per-rule bucket caps ({@code maxBuckets} of a rule; a data member has no rule index), and the work
 * that an embedded member does on the buckets it owns (adaptive sizing, transfer pools).
 */
public final class DataMember implements AutoCloseable {
    private final HazelcastInstance hazelcast;
    private final HazelcastBucketStore sweep;
    private final ScheduledExecutorService recount;

    private DataMember(HazelcastInstance hazelcast, HazelcastBucketStore sweep, ScheduledExecutorService recount) {
        this.hazelcast = hazelcast;
        this.sweep = sweep;
        this.recount = recount;
    }

    /**
     * The configuration of every member that holds BMS data (an embedded BMS member or a data member): the cluster
     * settings of {@link HazelcastMember#config}, the bucket map on {@code clock} with {@code budget} asked before each
     * new bucket, the lease ledger and the statistics task.
     */
    static Config memberConfig(BmsSettings settings, String clusterSecret, InstantSource clock, CreationGate budget) {
        Config config = HazelcastMember.config(settings, clusterSecret);
        StoreBinding.configure(config, clock, budget);
        LeaseLedger.configure(config);
        ClusterStats.configure(config);
        return config;
    }

    /** Starts a data member of {@code settings}. Blocks until it has joined. */
    public static DataMember start(BmsSettings settings, InstantSource clock) throws Exception {
        BucketBudget budget = BudgetBinding.create(settings, () -> null, clock);
        Config config = DataTier.clientEndpoint(
                memberConfig(settings, Secrets.clusterSecret(settings), clock, budget), settings);
        config.setInstanceName("bms-data-" + settings.clusterName() + "-" + settings.hazelcastPort());
        HazelcastInstance hazelcast = Hazelcast.newHazelcastInstance(config);
        try {
            StartupRetry.standard().run("compact schemas", () -> replicateSchemas(hazelcast));
        } catch (Exception | Error e) {
            hazelcast.shutdown();
            throw e;
        }
        ScheduledExecutorService recount = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bms-data-budget");
            t.setDaemon(true);
            return t;
        });
        recount.scheduleWithFixedDelay(
                () -> budget.recount(() ->
                        hazelcast.getMap(StoreBinding.MAP).getLocalMapStats().getOwnedEntryCount()),
                0,
                BudgetBinding.RECOUNT_MS,
                TimeUnit.MILLISECONDS);
        return new DataMember(hazelcast, new HazelcastBucketStore(hazelcast, StoreBinding.MAP), recount);
    }

    /**
     * Replicates the Compact schemas of everything a BMS process stores and receives (bucket states, decisions,
     * leases) across the cluster of {@code hazelcast}, a member or a client, before it serves: see
     * {@link CompactSchemas}. Blocks.
     */
    static void replicateSchemas(HazelcastInstance hazelcast) {
        List<Object> samples = new ArrayList<>(CompactSchemas.ofStore());
        samples.addAll(LeaseLedger.schemaSamples());
        CompactSchemas.replicate(hazelcast, samples);
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** Leaves the cluster (its partitions migrate to the other members). */
    @Override
    public void close() {
        recount.shutdownNow();
        sweep.close();
        hazelcast.shutdown();
    }
}
