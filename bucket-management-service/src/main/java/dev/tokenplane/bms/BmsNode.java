package dev.tokenplane.bms;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.bms.agents.AgentRegistry;
import dev.tokenplane.bms.buckets.ResizeHistory;
import dev.tokenplane.bms.cluster.StartupRetry;
import dev.tokenplane.bms.config.OverrideRegistry;
import dev.tokenplane.bms.config.ReplicatedConfig;
import dev.tokenplane.bms.config.RuleRegistry;
import dev.tokenplane.bms.config.RulesFile;
import dev.tokenplane.bms.http.InvalidRequests;
import dev.tokenplane.bms.http.Json;
import dev.tokenplane.bms.http.Readiness;
import dev.tokenplane.bms.schedule.Scheduler;
import dev.tokenplane.runtime.http.MalformedBodies;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.hazelcast.RuntimeTuning;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running BMS member: an embedded Hazelcast member, the replicated configuration (persisted on this member's
 * disk), the bucket store, and the Vert.x HTTP API. This class is the member's lifecycle; its object graph is built by
 * {@link BmsWiring}.
 *
 * <p>Start with {@link #start}; it returns once the member is ready (or throws). {@link #stop} shuts it down
 * gracefully: readiness goes 503, the HTTP servers stop accepting and finish in-flight requests, then the Hazelcast
 * member leaves the cluster (its partitions migrate to the others).
 */
public final class BmsNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BmsNode.class);

    private final BmsSettings settings;
    private final BmsWiring wiring;
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<NetServer> decisionServers = new ArrayList<>();
    private final List<Scheduler.Cancellable> jobs = new ArrayList<>();
    private final AtomicBoolean stopped = new AtomicBoolean();

    private BmsNode(BmsSettings settings, BmsOptions options, InstantSource clock) throws Exception {
        this.settings = settings;
        RuntimeTuning.commonPoolWarning().ifPresent(LOG::warn);
        if (settings.rulesFile().isPresent()) {
            // A rules file this member would refuse fails its start before it joins the cluster, with the file's own
            // error, rather than after (when the other members may see it come and go, or it may fail on them first).
            RulesFile.load(settings.rulesFile().get(), Json.STRICT);
        }
        this.wiring = new BmsWiring(settings, options, clock);
        try {
            start();
        } catch (Exception | Error e) {
            // logged before stopping: leaving the cluster gracefully can wait minutes for the partitions to migrate
            LOG.error("could not start; stopping and leaving the cluster", e);
            stop();
            throw e;
        }
    }

    /**
     * Replicates the Compact schemas, listens for HTTP, joins the replicated configuration (merging this member's
     * disk), loads the rules, binds their meters, schedules the periodic jobs and opens the decision port; then the
     * member is ready. The steps that call the cluster wait while it rebalances ({@link StartupRetry}).
     */
    private void start() throws Exception {
        StartupRetry cluster = StartupRetry.standard(); // a join migrates partitions: these steps wait for it
        // before any request: no thread that serves one waits for the cluster to learn a type
        cluster.run("compact schemas", () -> DataMember.replicateSchemas(wiring.hazelcast));
        listen(wiring.router);
        for (ReplicatedConfig config : wiring.configs) {
            cluster.run("replicated " + config.kind(), config::start);
        }
        cluster.run("agent registry", wiring.agents::start);
        cluster.run("audit log", wiring.audit::start);
        new RuleLoading(settings, wiring.rules, wiring.clock, cluster)
                .load(wiring.hazelcast, wiring.scheduler, wiring.prometheus)
                .ifPresent(watch -> wiring.closeWith(watch::cancel));
        MemberMeters.bindRules(wiring.metrics, wiring.budgetMeters, wiring.rules, wiring.configs.get(0));
        schedule();
        listenForDecisions();
        wiring.readiness.ready(true);
        LOG.info(
                "BMS member ready at {} (cluster '{}', {} members); admin token {}",
                url(),
                settings.clusterName(),
                wiring.hazelcast.getCluster().getMembers().size(),
                wiring.adminToken.file() == null ? "as configured" : "in " + wiring.adminToken.file());
    }

    /**
     * The periodic jobs: the bucket budget's recount, the sizing loop (while ready), the transfer tick and the hot keys'
     * lease expiry.
     */
    private void schedule() {
        Scheduler scheduler = wiring.scheduler;
        Duration interval = Duration.ofMillis(settings.sizingIntervalMs());
        jobs.add(BudgetBinding.startRecount(scheduler, wiring.budget, wiring.storeBinding.ownedCount()));
        if (wiring.sizing != null) {
            jobs.add(scheduler.every("sizing tick", interval, () -> {
                if (wiring.readiness.ready()) {
                    wiring.sizing.tick(wiring.clock.millis());
                }
            }));
        }
        if (wiring.transfer != null) {
            jobs.add(scheduler.every("transfer tick", interval, wiring.transfer::tick));
        }
        if (wiring.hotKeys != null) {
            jobs.add(scheduler.every("hot key leases", wiring.hotKeys.tickInterval(), wiring.hotKeys::tick));
        }
    }

    /** Starts a member with the core features only. Blocks until it is ready. */
    public static BmsNode start(BmsSettings settings) throws Exception {
        return start(settings, BmsOptions.CORE, InstantSource.system());
    }

    /** Starts a member with {@code options}, on {@code clock}. Blocks until it is ready. */
    public static BmsNode start(BmsSettings settings, BmsOptions options, InstantSource clock) throws Exception {
        return new BmsNode(settings, options, clock);
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
        return wiring.adminToken.file();
    }

    /** The admin token (for tests and embedding; never logged). */
    public String adminToken() {
        return wiring.adminToken.token();
    }

    public Readiness readiness() {
        return wiring.readiness;
    }

    /** The HTTP router (its routes are what {@code openapi.json} must describe). */
    public Router router() {
        return wiring.router;
    }

    /** The member's Hazelcast instance (for embedding and tests). */
    public HazelcastInstance hazelcast() {
        return wiring.hazelcast;
    }

    /** The member's bucket store (as decorated by {@link BmsOptions#store}). */
    public BucketStore store() {
        return wiring.store;
    }

    public RuleRegistry rules() {
        return wiring.rules;
    }

    public OverrideRegistry overrides() {
        return wiring.overrides;
    }

    public AgentRegistry agents() {
        return wiring.agents;
    }

    public ResizeHistory history() {
        return wiring.history;
    }

    /** The port of the binary decision protocol actually bound, or -1 when {@code BMS_DECISION_PORT} is unset. */
    public int decisionPort() {
        synchronized (decisionServers) {
            return decisionServers.isEmpty() ? -1 : decisionServers.get(0).actualPort();
        }
    }

    private void listen(Router router) throws Exception {
        // Each address of BMS_HOST gets the same port (port 0: the one the first address was given).
        int port = settings.port();
        for (String host : settings.hosts()) {
            listen(router, host, port);
            port = port();
        }
    }

    /**
     * The binary decision protocol on every address of {@code BMS_HOST}, if {@code BMS_DECISION_PORT} is set. Opened
     * last, as the member becomes ready: unlike the HTTP API it has no readiness gate of its own, so a member that is
     * still starting (loading its rules, or waiting for the cluster) refuses its connections instead.
     */
    private void listenForDecisions() throws Exception {
        if (wiring.decisionWire == null) {
            return;
        }
        int decisionPort = settings.decisionPort().getAsInt();
        for (String host : settings.hosts()) {
            listenForDecisions(host, decisionPort);
            decisionPort = decisionPort();
        }
    }

    /** The binary decision protocol on {@code host}, one server per event loop like HTTP, with the same TLS. */
    private void listenForDecisions(String host, int bindPort) throws Exception {
        NetServerOptions options = secured(new NetServerOptions()
                .setHost(host)
                .setPort(bindPort == 0 ? -2 : bindPort) // -2: not the HTTP servers' shared random port
                .setTcpNoDelay(true)); // idle connections end with a goodbye: DecisionWire's IdleClose
        deploy(() -> wiring.vertx
                .createNetServer(options)
                .connectHandler(wiring.decisionWire::connect)
                .listen()
                .onSuccess(server -> {
                    synchronized (decisionServers) {
                        decisionServers.add(server);
                    }
                }));
    }

    /** {@code options} with the HTTP listener's PEM certificate and key when TLS is configured. */
    private <T extends NetServerOptions> T secured(T options) {
        settings.tls()
                .ifPresent(tls -> options.setSsl(true)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(tls.certFile().toString())
                                .setKeyPath(tls.keyFile().toString())));
        return options;
    }

    /** One verticle instance per HTTP event loop ({@code BMS_HTTP_EVENT_LOOPS}), each starting a server; waits. */
    private void deploy(java.util.function.Supplier<Future<?>> startServer) throws Exception {
        int instances = settings.httpEventLoopCount();
        wiring.vertx
                .deployVerticle(
                        () -> new VerticleBase() {
                            @Override
                            public Future<?> start() {
                                return startServer.get();
                            }
                        },
                        new DeploymentOptions().setInstances(instances))
                .toCompletionStage()
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
    }

    private void listen(Router router, String host, int bindPort) throws Exception {
        // One HTTP server per event loop (a verticle instance each) on a shared port: Vert.x spreads the connections
        // over them. Port 0 becomes -1: Vert.x binds one random port for every server asking for the same negative
        // port.
        int port = bindPort == 0 ? -1 : bindPort;
        HttpServerOptions options = secured(new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setCompressionSupported(false)
                .setIdleTimeout((int) settings.httpIdleTimeoutMs())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
        deploy(() -> wiring.vertx
                .createHttpServer(options)
                .requestHandler(InvalidRequests.oneHost(router))
                .invalidRequestHandler(InvalidRequests::handle)
                .connectionHandler(MalformedBodies::install)
                .listen()
                .onSuccess(server -> {
                    synchronized (servers) {
                        servers.add(server);
                    }
                }));
    }

    /**
     * Shuts down gracefully: not ready, stop accepting, finish in-flight requests (up to
     * {@code BMS_SHUTDOWN_TIMEOUT_MS}), leave the cluster, close. Idempotent.
     */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        boolean served = wiring.readiness.ready(); // a member that failed to start has nobody to drain
        wiring.readiness.stopping();
        if (served && settings.shutdownDelayMs() > 0) {
            LOG.info("Shutting down: not ready, serving {} ms more before closing", settings.shutdownDelayMs());
            try {
                Thread.sleep(settings.shutdownDelayMs());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        jobs.forEach(Scheduler.Cancellable::cancel);
        List<NetServer> decisionListeners;
        synchronized (decisionServers) {
            decisionListeners = List.copyOf(decisionServers);
        }
        decisionListeners.forEach(NetServer::close); // its clients fall back to HTTP or their fallback
        List<HttpServer> toStop;
        synchronized (servers) {
            toStop = List.copyOf(servers);
        }
        for (HttpServer s : toStop) {
            try {
                s.shutdown(settings.shutdownTimeoutMs(), TimeUnit.MILLISECONDS)
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(settings.shutdownTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                LOG.warn("HTTP server did not shut down cleanly: {}", e.toString());
            }
        }
        wiring.close();
        LOG.info("BMS member stopped");
    }

    @Override
    public void close() {
        stop();
    }
}
