package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.audit.AuditJournal;
import dev.tokenplane.bms.audit.AuditLog;
import dev.tokenplane.bms.buckets.OwnedBucketIndex;
import dev.tokenplane.bms.buckets.OwnedBuckets;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.cluster.DataTier;
import dev.tokenplane.bms.cluster.Deadline;
import dev.tokenplane.bms.cluster.MemberThreads;
import dev.tokenplane.bms.config.ConfigJournal;
import dev.tokenplane.bms.config.ConfigKind;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.decide.AtomicDecisions;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.decide.DeadlineBucketStore;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.hotkeys.HotKeyPolicy;
import dev.tokenplane.bms.hotkeys.HotKeyStore;
import dev.tokenplane.bms.http.AgentRoutes;
import dev.tokenplane.bms.http.ApiRouter;
import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.bms.http.AuditRoutes;
import dev.tokenplane.bms.http.Auth;
import dev.tokenplane.bms.http.BucketRoutes;
import dev.tokenplane.bms.http.Dashboard;
import dev.tokenplane.bms.http.DecisionRoutes;
import dev.tokenplane.bms.http.LeaseRoutes;
import dev.tokenplane.bms.http.OpsRoutes;
import dev.tokenplane.bms.http.OverrideRoutes;
import dev.tokenplane.bms.http.Readiness;
import dev.tokenplane.bms.http.RuleRoutes;
import dev.tokenplane.bms.http.RuleSetRoutes;
import dev.tokenplane.bms.http.StatsRoutes;
import dev.tokenplane.bms.http.WhoAmIRoutes;
import dev.tokenplane.bms.leases.LeaseLedger;
import dev.tokenplane.bms.leases.LeaseService;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.metrics.BucketBudgetMeters;
import dev.tokenplane.bms.metrics.CachedHttpMetricsFactory;
import dev.tokenplane.bms.schedule.Scheduler;
import dev.tokenplane.bms.schedule.VertxScheduler;
import dev.tokenplane.bms.sizing.BorrowLimits;
import dev.tokenplane.bms.sizing.SizingLoop;
import dev.tokenplane.bms.sizing.SizingStates;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.stats.ClusterStats;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.bms.transfer.TransferFeature;
import dev.tokenplane.bms.wire.DecisionWire;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.transfer.exec.TransferIds;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of one member: builds its object graph, once, with plain constructors, from the settings and
 * the {@link BmsOptions}. Building opens the resources the graph needs (Vert.x, the journal, the Hazelcast member)
 * but starts no work: {@link BmsNode} joins the replicated configuration, listens, loads the rules and schedules the
 * periodic jobs, in order. {@link #close} releases the resources in the reverse order of their opening.
 */
final class BmsWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BmsWiring.class);

    /** How many keys one member tracks at once for hot-key promotion. */
    static final int HOT_KEYS_TRACKED = 10_000;

    /** What was opened, the newest first: closing pops them. */
    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    final BmsSettings settings;
    final InstantSource clock;
    final Secrets.AdminToken adminToken;
    final Readiness readiness = new Readiness();
    final PrometheusMeterRegistry prometheus;
    final Vertx vertx;
    final Scheduler scheduler;
    final HazelcastInstance hazelcast;
    final BucketStore store;
    final AuditLog audit;
    final List<ReplicatedConfig> configs;
    final RuleRegistry rules;
    final OverrideRegistry overrides;
    final AgentRegistry agents;
    final ResizeHistory history;
    final BmsMetrics metrics;
    final BucketBudget budget;
    final BucketBudgetMeters budgetMeters;
    final StoreBinding storeBinding;
    /** The sizing loop, or null when it does not run. */
    final SizingLoop sizing;
    /** The transfer protocol, or null when it does not run. */
    final TransferFeature transfer;
    /** Hot keys answered from member-local leases, or null when {@code BMS_HOT_KEY_RATE} is 0. */
    final HotKeyStore hotKeys;

    final Router router;
    /** The binary decision protocol's connections, or null when {@code BMS_DECISION_PORT} is unset. */
    final DecisionWire decisionWire;

    BmsWiring(BmsSettings settings, BmsOptions options, InstantSource clock) throws Exception {
        this.settings = settings;
        this.clock = clock;
        try {
            this.adminToken = Secrets.adminToken(settings);
            Map<String, Auth.ApiClient> apiKeys = settings.apiKeysFile().isPresent()
                    ? Secrets.apiKeys(settings.apiKeysFile().get())
                    : Map.of();
            this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            opened.push(prometheus::close);
            this.vertx = Vertx.builder()
                    .with(new VertxOptions()
                            .setPreferNativeTransport(
                                    settings.networkTransport() == BmsSettings.NetworkTransport.NATIVE)
                            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                    .withMetrics(new CachedHttpMetricsFactory(prometheus))
                    .build();
            opened.push(() ->
                    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            logTransport(settings.networkTransport(), vertx);
            this.scheduler = options.scheduler().apply(new VertxScheduler(vertx));
            ConfigJournal journal = open(ConfigJournal.open(settings.dataDir()));
            readiness.faults(journal::failure); // a journal that cannot write takes the member out of readiness
            ExecutorService disk = diskThread(settings);

            RuleRegistry[] rulesOnceOpen = new RuleRegistry[1]; // the budget is configured before the rules exist
            this.budget = BudgetBinding.create(settings, () -> rulesOnceOpen[0], clock);
            Config hzConfig = DataMember.memberConfig(settings, Secrets.clusterSecret(settings), clock, budget);
            MemberThreads.besideHttp(hzConfig, Runtime.getRuntime().availableProcessors());
            this.hazelcast = DataTier.join(settings, hzConfig); // an embedded member, or a client of data members
            opened.push(this::leaveCluster);
            this.storeBinding = StoreBinding.open(
                    hazelcast,
                    task -> vertx.executeBlocking(
                            () -> {
                                task.run();
                                return null;
                            },
                            false));
            opened.push(storeBinding::close);
            this.store = options.store().apply(storeBinding.store());

            this.audit =
                    open(new AuditLog(hazelcast, new AuditJournal(journal, settings.auditRetention()), disk, clock));
            ReplicatedConfig ruleConfig = open(new ReplicatedConfig(ConfigKind.RULE, hazelcast, journal, disk));
            ReplicatedConfig overrideConfig = open(new ReplicatedConfig(ConfigKind.OVERRIDE, hazelcast, journal, disk));
            ReplicatedConfig poolConfig = open(new ReplicatedConfig(ConfigKind.POOL, hazelcast, journal, disk));
            this.configs = List.of(ruleConfig, overrideConfig, poolConfig);
            this.rules = new RuleRegistry(ruleConfig, settings.rulesMode() == BmsSettings.RulesMode.SYNC);
            rulesOnceOpen[0] = rules;
            this.overrides = new OverrideRegistry(overrideConfig);
            this.agents = open(new AgentRegistry(hazelcast, settings.agentStaleMs()));
            this.history = new ResizeHistory(hazelcast);
            this.metrics = new BmsMetrics(prometheus);
            PoolSettingsRegistry poolSettings = new PoolSettingsRegistry(poolConfig);
            BucketResolver resolver = new BucketResolver(
                    rules::index, overrides::active, clock, poolSettings.settings(), agents::regionOf);
            MemberMeters.bind(prometheus, metrics, hazelcast, storeBinding.ownedCount(), agents, clock)
                    .forEach(opened::push);
            this.budgetMeters = new BucketBudgetMeters(budget, rules::get);
            budgetMeters.bindTo(prometheus);

            Duration interval = Duration.ofMillis(settings.sizingIntervalMs());
            BorrowLimits borrowLimits = new BorrowLimits(); // the sizing loop's, read by the pool tick
            OwnedBuckets owned = ownedBuckets(options);
            this.sizing = options.sizing()
                    ? new SizingLoop(
                            settings,
                            store,
                            owned,
                            rules,
                            overrides,
                            resolver,
                            agents,
                            history,
                            new SizingStates(hazelcast),
                            borrowLimits,
                            metrics,
                            clock)
                    : null;
            this.transfer = options.transfer() == null
                    ? null
                    : new TransferFeature(
                            store,
                            owned,
                            rules,
                            overrides,
                            poolSettings,
                            resolver,
                            hazelcast,
                            metrics,
                            vertx,
                            clock,
                            interval,
                            options.transfer(),
                            borrowLimits);
            Borrower borrower = options.borrower() != null
                    ? options.borrower()
                    : transfer != null ? transfer.borrower() : Borrower.NONE;

            // the request path waits for the store at most BMS_REQUEST_TIMEOUT_MS; sizing and transfers keep their own
            Deadline deadline = new Deadline(settings.requestTimeoutMs());
            BucketStore requests = new DeadlineBucketStore(store, deadline);
            this.hotKeys = settings.hotKeyRate() == 0
                    ? null
                    : open(new HotKeyStore(
                            requests,
                            HotKeyPolicy.of(settings.hotKeyRate(), settings.hotKeyLeaseMs()),
                            clock,
                            HOT_KEYS_TRACKED,
                            TransferIds.timeOrdered()::next,
                            ForkJoinPool.commonPool(),
                            prometheus));
            ClusterStats stats = new ClusterStats(hazelcast, new DecisionStats(), clock);
            DecisionService decisions = new DecisionService(
                    hotKeys == null ? requests : hotKeys, resolver, borrower, metrics, clock, stats.local());
            ClientRefusalLimit refusals =
                    new ClientRefusalLimit(settings.clientRefusalsPerSecond(), DecisionRoutes.MAX_BATCH);
            List<ApiRoutes> groups = new ArrayList<>(List.of(
                    new RuleRoutes(vertx, rules, metrics, clock),
                    new DecisionRoutes(
                            decisions,
                            new AtomicDecisions(decisions, requests, TransferIds.timeOrdered()::next),
                            metrics,
                            refusals,
                            clock),
                    new LeaseRoutes(
                            decisions,
                            new LeaseService(
                                    decisions,
                                    new LeaseLedger(hazelcast, clock, deadline),
                                    requests,
                                    ForkJoinPool.commonPool()),
                            metrics),
                    new BucketRoutes(
                            vertx, requests, storeBinding.directory(), rules, overrides, resolver, history, clock),
                    new AgentRoutes(agents, clock, settings.maxAgents()),
                    new AuditRoutes(vertx, audit),
                    new OpsRoutes(
                            vertx,
                            readiness,
                            () -> hazelcast.getCluster().getMembers().size(),
                            prometheus),
                    new OverrideRoutes(overrides, clock),
                    new RuleSetRoutes(vertx, rules, clock),
                    new StatsRoutes(vertx, stats, rules, clock),
                    new WhoAmIRoutes()));
            if (transfer != null) {
                groups.add(transfer.routes());
            }
            groups.addAll(options.routes());
            Auth auth = new Auth(Secrets.bearers(settings, adminToken.token()), apiKeys);
            this.router = ApiRouter.create(vertx, auth, audit, readiness, settings.maxBodyBytes(), groups);
            this.decisionWire = settings.decisionPort().isEmpty()
                    ? null
                    : new DecisionWire(
                            decisions,
                            auth,
                            metrics,
                            refusals,
                            clock,
                            DecisionWire.MAX_FRAME_BYTES,
                            DecisionWire.MAX_IN_FLIGHT,
                            settings.httpIdleTimeoutMs());
            Dashboard.mount(router);
        } catch (Exception | Error e) {
            // logged before closing: leaving the cluster gracefully can wait minutes for the partitions to migrate
            LOG.error("could not start; closing what was opened and leaving the cluster", e);
            close();
            throw e;
        }
    }

    /**
     * The keys of the buckets this member owns, for the sizing and pool ticks: on a member, an index of the keys of
     * the adaptive and pooled rules, kept by the map's events; on a client (which owns none), or when neither tick
     * runs, the store's own listing.
     */
    private OwnedBuckets ownedBuckets(BmsOptions options) {
        if (DataTier.isClient(hazelcast) || (!options.sizing() && options.transfer() == null)) {
            return OwnedBuckets.walking(store::ownedKeys);
        }
        return open(OwnedBucketIndex.open(
                hazelcast, StoreBinding.MAP, clock, () -> OwnedBuckets.tickedGroups(rules.all(), overrides.all())));
    }

    /** The single disk thread: journal writes that follow the map's events, in order. */
    private ExecutorService diskThread(BmsSettings settings) {
        ExecutorService disk = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bms-disk-" + settings.hazelcastPort());
            t.setDaemon(true);
            return t;
        });
        opened.push(() -> {
            disk.shutdown();
            disk.awaitTermination(10, TimeUnit.SECONDS);
        });
        return disk;
    }

    private void leaveCluster() {
        try {
            hazelcast.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("Hazelcast did not shut down cleanly: {}", e.toString());
        }
    }

    private <T extends AutoCloseable> T open(T resource) {
        opened.push(resource);
        return resource;
    }

    /** Registers a resource opened after the wiring (a rules file watch), closed with the others. */
    void closeWith(AutoCloseable resource) {
        open(resource);
    }

    /** Releases what the wiring opened, the newest first. */
    @Override
    public void close() {
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.debug("close failed", e);
            }
        }
    }

    /** Says which I/O the listeners got: a native transport that could not load is served with NIO, not refused. */
    private static void logTransport(BmsSettings.NetworkTransport asked, Vertx vertx) {
        if (vertx.isNativeTransportEnabled()) {
            LOG.info("network transport: native (epoll)");
        } else if (asked == BmsSettings.NetworkTransport.NATIVE) {
            LOG.warn(
                    "network transport: nio, because the native transport is not available here ({})",
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        } else {
            LOG.info("network transport: nio (BMS_NETWORK_TRANSPORT=nio)");
        }
    }
}
