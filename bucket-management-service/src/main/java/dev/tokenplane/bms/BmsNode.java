package dev.tokenplane.bms;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.audit.AuditJournal;
import dev.tokenplane.bms.audit.AuditLog;
import dev.tokenplane.bms.budget.BucketBudget;
import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.buckets.BucketDirectory;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.cluster.DataTier;
import dev.tokenplane.bms.cluster.Deadline;
import dev.tokenplane.bms.cluster.HazelcastMember;
import dev.tokenplane.bms.config.ConfigJournal;
import dev.tokenplane.bms.config.ConfigKind;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.config.RulesFile;
import dev.tokenplane.bms.config.RulesFileSource;
import dev.tokenplane.bms.decide.AtomicDecisions;
import dev.tokenplane.bms.decide.DeadlineBucketStore;
import dev.tokenplane.bms.decide.BucketResolver;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.hazelcast.RuntimeTuning;
import dev.tokenplane.bms.http.AgentRoutes;
import dev.tokenplane.bms.http.ApiRouter;
import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.bms.http.AuditRoutes;
import dev.tokenplane.bms.http.Auth;
import dev.tokenplane.bms.http.BucketRoutes;
import dev.tokenplane.bms.http.Dashboard;
import dev.tokenplane.bms.http.DecisionRoutes;
import dev.tokenplane.bms.http.InvalidRequests;
import dev.tokenplane.bms.http.Json;
import dev.tokenplane.bms.http.LeaseRoutes;
import dev.tokenplane.bms.http.OpsRoutes;
import dev.tokenplane.bms.http.OverrideRoutes;
import dev.tokenplane.bms.http.RuleSetRoutes;
import dev.tokenplane.bms.http.StatsRoutes;
import dev.tokenplane.bms.http.WhoAmIRoutes;
import dev.tokenplane.bms.http.Readiness;
import dev.tokenplane.bms.http.RuleRoutes;
import dev.tokenplane.bms.leases.LeaseLedger;
import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.bms.metrics.BucketBudgetMeters;
import dev.tokenplane.bms.metrics.ProcessMetrics;
import dev.tokenplane.bms.rules.Rule;
import dev.tokenplane.bms.spi.BmsExtensions;
import dev.tokenplane.bms.spi.BmsServices;
import dev.tokenplane.bms.spi.SizingTask;
import dev.tokenplane.bms.stats.ClusterStats;
import dev.tokenplane.bms.stats.DecisionStats;
import dev.tokenplane.bms.transfer.PoolSettingsRegistry;
import dev.tokenplane.transfer.exec.TransferIds;
import io.micrometer.core.instrument.binder.cache.HazelcastCacheMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running BMS member: an embedded Hazelcast member, the replicated configuration (persisted on this member's
 * disk), the bucket store, and the Vert.x HTTP API.
 *
 * <p>Start with {@link #start}; it returns once the member is ready (or throws). {@link #stop} shuts it down
 * gracefully: readiness goes 503, the HTTP servers stop accepting and finish in-flight requests, then the Hazelcast
 * member leaves the cluster (its partitions migrate to the others).
 */
public final class BmsNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BmsNode.class);
    /** Continuations of Hazelcast stages run where the stage completes; they are short, and hop to Vert.x after. */
    private static final Executor DIRECT = Runnable::run;

    private final BmsSettings settings;
    private Secrets.AdminToken adminToken;
    private final Readiness readiness = new Readiness();
    private PrometheusMeterRegistry prometheus;
    private Vertx vertx;
    private ConfigJournal journal;
    private ExecutorService background;
    private HazelcastInstance hazelcast;
    private StoreBinding store;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<HttpServer> servers = new ArrayList<>();
    private BmsServices services;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private long sizingTimer = -1;
    private long budgetTimer = -1;
    private volatile RuleRegistry rules;
    private Router router;

    private BmsNode(BmsSettings settings, BmsExtensions extensions, InstantSource clock) throws Exception {
        this.settings = settings;
        try {
            init(extensions, clock);
        } catch (Exception | Error e) {
            stop();
            throw e;
        }
    }

    private void init(BmsExtensions extensions, InstantSource clock) throws Exception {
        RuntimeTuning.commonPoolWarning().ifPresent(LOG::warn);
        this.adminToken = Secrets.adminToken(settings);
        Map<String, Auth.ApiClient> apiKeys = settings.apiKeysFile().isPresent()
                ? Secrets.apiKeys(settings.apiKeysFile().get()) : Map.of();
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                .withMetrics(new MicrometerMetricsFactory(prometheus))
                .build();
        this.journal = ConfigJournal.open(settings.dataDir());
        readiness.faults(journal::failure); // a journal that cannot write takes the member out of readiness
        Auth auth = new Auth(Secrets.bearers(settings, adminToken.token()), apiKeys);
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "bms-disk-" + settings.hazelcastPort());
            t.setDaemon(true);
            return t;
        });

        BucketBudget budget = BudgetBinding.create(settings, () -> rules, clock);
        Config hzConfig = DataMember.memberConfig(settings, Secrets.clusterSecret(settings), clock, budget);
        this.hazelcast = DataTier.join(settings, hzConfig); // an embedded member, or a client of data members
        Executor workers = task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
        StoreBinding opened = StoreBinding.open(hazelcast, DIRECT, workers);
        this.store = new StoreBinding(extensions.store().apply(opened.store()), opened.directory(),
                opened.ownedCount());

        AuditLog audit = new AuditLog(hazelcast, new AuditJournal(journal, settings.auditRetention()), background,
                clock);
        closeables.add(audit);
        ReplicatedConfig ruleConfig = new ReplicatedConfig(ConfigKind.RULE, hazelcast, journal, background, DIRECT);
        ReplicatedConfig overrideConfig = new ReplicatedConfig(ConfigKind.OVERRIDE, hazelcast, journal, background,
                DIRECT);
        ReplicatedConfig poolConfig = new ReplicatedConfig(ConfigKind.POOL, hazelcast, journal, background, DIRECT);
        closeables.add(ruleConfig);
        closeables.add(overrideConfig);
        closeables.add(poolConfig);
        RuleRegistry rules = new RuleRegistry(ruleConfig, settings.rulesMode() == BmsSettings.RulesMode.SYNC);
        this.rules = rules;
        OverrideRegistry overrides = new OverrideRegistry(overrideConfig);
        AgentRegistry agents = new AgentRegistry(hazelcast, settings.agentStaleMs(), DIRECT);
        closeables.add(agents);
        ResizeHistory history = new ResizeHistory(hazelcast, DIRECT);
        BmsMetrics metrics = new BmsMetrics(prometheus);
        PoolSettingsRegistry poolSettings = new PoolSettingsRegistry(poolConfig);
        BucketResolver resolver = new BucketResolver(rules::index, overrides::active, clock, poolSettings.settings(),
                agents::regionOf);
        this.services = new BmsServices(settings, vertx, hazelcast, store.store(), store.directory(), rules,
                overrides, agents, history, metrics, clock, DIRECT, poolSettings, resolver);
        bindMetrics(metrics, agents, rules, clock);
        BucketBudgetMeters budgetMeters = new BucketBudgetMeters(budget, rules::get);
        budgetMeters.bindTo(prometheus);
        budgetTimer = BudgetBinding.startRecount(vertx, budget, store.ownedCount());

        // the request path waits for the store at most BMS_REQUEST_TIMEOUT_MS; sizing and transfers keep their own
        Deadline deadline = new Deadline(settings.requestTimeoutMs());
        BucketStore requests = new DeadlineBucketStore(store.store(), deadline);
        ClusterStats stats = new ClusterStats(hazelcast, new DecisionStats(), clock);
        DecisionService decisions = new DecisionService(requests, resolver, extensions.borrower().apply(services),
                metrics, clock, DIRECT, stats.local());
        List<ApiRoutes> groups = new ArrayList<>(List.of(
                new RuleRoutes(vertx, rules, metrics, clock),
                new DecisionRoutes(decisions, new AtomicDecisions(decisions, requests, DIRECT,
                        TransferIds.timeOrdered()::next), metrics, new ClientRefusalLimit(
                        settings.clientRefusalsPerSecond(), DecisionRoutes.MAX_BATCH), clock),
                new LeaseRoutes(decisions, new LeaseLedger(hazelcast, clock, DIRECT, deadline), requests, metrics),
                new BucketRoutes(vertx, requests, store.directory(), rules, overrides, resolver, history, clock,
                        DIRECT),
                new AgentRoutes(agents, clock, settings.maxAgents()),
                new AuditRoutes(vertx, audit),
                new OpsRoutes(vertx, readiness, () -> hazelcast.getCluster().getMembers().size(), prometheus),
                new OverrideRoutes(overrides, clock),
                new RuleSetRoutes(vertx, rules, clock),
                new StatsRoutes(vertx, stats, rules, clock),
                new WhoAmIRoutes()));
        groups.addAll(extensions.routes().apply(services));
        this.router = ApiRouter.create(vertx, auth, audit, readiness, settings.maxBodyBytes(), groups);
        Dashboard.mount(router);
        listen(router);

        // Join the replicated configuration: merge this member's disk, then load the rules file or the examples.
        ruleConfig.start();
        overrideConfig.start();
        poolConfig.start();
        agents.start();
        audit.start();
        loadRules(rules, clock);
        rules.all().forEach(r -> registerMeters(metrics, r));
        rules.all().forEach(budgetMeters::bindRule);
        ruleConfig.onChange(r -> rules.all().forEach(rule -> {
            registerMeters(metrics, rule);
            budgetMeters.bindRule(rule);
        }));
        startSizing(extensions.sizing().apply(services), clock);
        readiness.ready(true);
        LOG.info("BMS member ready at {} (cluster '{}', {} members); admin token {}", url(), settings.clusterName(),
                hazelcast.getCluster().getMembers().size(),
                adminToken.file() == null ? "as configured" : "in " + adminToken.file());
    }

    /** Starts a member with the core features only. Blocks until it is ready. */
    public static BmsNode start(BmsSettings settings) throws Exception {
        return start(settings, BmsExtensions.NONE, InstantSource.system());
    }

    /** Starts a member with {@code extensions}. Blocks until it is ready. */
    public static BmsNode start(BmsSettings settings, BmsExtensions extensions, InstantSource clock)
            throws Exception {
        return new BmsNode(settings, extensions, clock);
    }

    /** The HTTP port actually bound. */
    public int port() {
        synchronized (servers) {
            return servers.get(0).actualPort();
        }
    }

    /** The base URL, for example {@code http://127.0.0.1:8080} ({@code https://} with TLS). */
    public String url() {
        String first = settings.hosts().get(0);
        String host = first.contains(":") ? "[" + first + "]" : first;
        return (settings.tls().isPresent() ? "https://" : "http://") + ("0.0.0.0".equals(host) ? "127.0.0.1" : host)
                + ":" + port();
    }

    /** Where the generated admin token is, or null when it was given in the settings. */
    public Path adminTokenFile() {
        return adminToken.file();
    }

    /** The admin token (for tests and embedding; never logged). */
    public String adminToken() {
        return adminToken.token();
    }

    public BmsServices services() {
        return services;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The HTTP router (its routes are what {@code openapi.json} must describe). */
    public Router router() {
        return router;
    }

    private void listen(Router router) throws Exception {
        // Each address of BMS_HOST gets the same port (port 0: the one the first address was given).
        int port = settings.port();
        for (String host : settings.hosts()) {
            listen(router, host, port);
            port = port();
        }
    }

    private void listen(Router router, String host, int bindPort) throws Exception {
        // One HTTP server per event loop (a verticle instance each) on a shared port: Vert.x spreads the connections
        // over them. Port 0 becomes -1: Vert.x binds one random port for every server asking for the same negative port.
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        int port = bindPort == 0 ? -1 : bindPort;
        HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                .setCompressionSupported(false)
                .setIdleTimeout((int) settings.httpIdleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        settings.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certFile().toString()).setKeyPath(tls.keyFile().toString())));
        vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return vertx.createHttpServer(options).requestHandler(router)
                        .invalidRequestHandler(InvalidRequests::handle).listen().onSuccess(server -> {
                    synchronized (servers) {
                        servers.add(server);
                    }
                });
            }
        }, new DeploymentOptions().setInstances(instances))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * Applies the rules file in its mode (and watches it in sync mode), or seeds the examples on a first start. A
     * member alone among {@code BMS_EXPECTED_MEMBERS} may not write: it skips loading, and the member that completes
     * a majority loads the same file (or the examples) when it starts.
     */
    private void loadRules(RuleRegistry rules, InstantSource clock) throws Exception {
        try {
            applyRules(rules, clock);
        } catch (Exception e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (HazelcastMember.isWithoutMajority(c)) {
                    LOG.warn("Not loading rules: this member sees {} of the expected {} members, fewer than a majority",
                            hazelcast.getCluster().getMembers().size(), settings.expectedMembers());
                    return;
                }
            }
            throw e;
        }
    }

    private void applyRules(RuleRegistry rules, InstantSource clock) throws Exception {
        if (settings.rulesFile().isPresent()) {
            RulesFileSource source = new RulesFileSource(settings.rulesFile().get(), settings.rulesMode(), rules,
                    Json.STRICT, clock);
            source.start();
            if (settings.rulesMode() == BmsSettings.RulesMode.SYNC) {
                closeables.add(source.watch("bms-rules-file-" + settings.hazelcastPort()));
                source.bindTo(prometheus);
            }
        } else if (rules.neverHadRules()) {
            RulesFileSource.seed(RulesFile.examples(Json.STRICT), "the bundled examples", rules, clock);
        }
    }

    private void bindMetrics(BmsMetrics metrics, AgentRegistry agents, RuleRegistry rules, InstantSource clock) {
        // Member-local figures: each member reports its own share, so the cluster's is the sum, and a scrape asks no
        // other member.
        IMap<Object, Object> buckets = hazelcast.getMap(StoreBinding.MAP);
        metrics.bucketCount(store.ownedCount()::getAsLong);
        if (!DataTier.isClient(hazelcast)) { // a client has no local map statistics
            HazelcastCacheMetrics.monitor(prometheus, buckets);
        }
        metrics.clusterMembers(() -> hazelcast.getCluster().getMembers().size());
        closeables.add(ProcessMetrics.bind(prometheus));
        metrics.agentCounts(
                () -> agents.all().stream().filter(a -> !agents.isStale(a, clock.millis())).count(),
                () -> agents.all().stream().filter(a -> agents.isStale(a, clock.millis())).count());
        metrics.agentReportAgeMax(() -> agents.all().stream()
                .mapToDouble(a -> Math.max(0, clock.millis() - a.lastReportAt()) / 1000.0).max().orElse(0));
    }

    private static void registerMeters(BmsMetrics metrics, Rule rule) {
        metrics.registerRule(rule.id());
        if (rule.transfer() != null) {
            metrics.registerPool(rule.transfer().pool());
        }
    }

    private void startSizing(SizingTask task, InstantSource clock) {
        if (task == SizingTask.NONE) {
            return;
        }
        AtomicBoolean running = new AtomicBoolean();
        sizingTimer = vertx.setPeriodic(settings.sizingIntervalMs(), id -> {
            if (!readiness.ready() || !running.compareAndSet(false, true)) {
                return; // one tick at a time; a slow tick skips the next
            }
            vertx.executeBlocking(() -> {
                task.tick(clock.millis());
                return null;
            }, false).onComplete(ar -> {
                running.set(false);
                if (ar.failed()) {
                    LOG.warn("sizing tick failed", ar.cause());
                }
            });
        });
    }

    /**
     * Shuts down gracefully: not ready, stop accepting, finish in-flight requests (up to
     * {@code BMS_SHUTDOWN_TIMEOUT_MS}), leave the cluster, close. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        readiness.stopping();
        if (settings.shutdownDelayMs() > 0 && router != null) {
            LOG.info("Shutting down: not ready, serving {} ms more before closing", settings.shutdownDelayMs());
            try {
                Thread.sleep(settings.shutdownDelayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (sizingTimer >= 0 && vertx != null) {
            vertx.cancelTimer(sizingTimer);
        }
        if (budgetTimer >= 0 && vertx != null) {
            vertx.cancelTimer(budgetTimer);
        }
        List<HttpServer> toStop;
        synchronized (servers) {
            toStop = List.copyOf(servers);
        }
        for (HttpServer s : toStop) {
            try {
                s.shutdown(settings.shutdownTimeoutMs(), TimeUnit.MILLISECONDS).toCompletionStage()
                        .toCompletableFuture().get(settings.shutdownTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("HTTP server did not shut down cleanly: {}", e.toString());
            }
        }
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("close failed", e);
            }
        }
        if (store != null) {
            store.close();
        }
        if (hazelcast != null) {
            try {
                hazelcast.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("Hazelcast did not shut down cleanly: {}", e.toString());
            }
        }
        if (background != null) {
            background.shutdown();
            try {
                background.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (journal != null) {
            journal.close();
        }
        if (vertx != null) {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("Vert.x close failed", e);
            }
        }
        if (prometheus != null) {
            prometheus.close();
        }
        LOG.info("BMS member stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
