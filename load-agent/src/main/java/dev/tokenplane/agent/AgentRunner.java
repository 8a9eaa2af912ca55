package dev.tokenplane.agent;

import dev.tokenplane.agent.core.LatencyRecorder;
import dev.tokenplane.agent.core.LatencySummary;
import dev.tokenplane.agent.http.AgentHttpServer;
import dev.tokenplane.agent.http.LatencyScraper;
import dev.tokenplane.agent.http.Reporter;
import dev.tokenplane.agent.http.ReporterSettings;
import dev.tokenplane.agent.sampling.CgroupV2;
import dev.tokenplane.agent.sampling.OshiSystemSource;
import dev.tokenplane.agent.sampling.SystemSource;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent: the sampler thread, the reporter, the optional scraper and the HTTP endpoints, all on one small
 * Vert.x instance (one event loop). Start one with {@link #start(AgentConfig)}; a test can point it at any BMS URL
 * and token through {@link AgentConfig#builder()}.
 *
 * <p>Threads: {@code agent-sampler} reads the machine (blocking file reads, never on the event loop) and queues the
 * report; the event loop sends, scrapes and serves. Sampling never waits on the network.
 */
public final class AgentRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);
    private static final long START_TIMEOUT_SECONDS = 30;

    private final AgentConfig config;
    private final Vertx vertx;
    private final AgentMetrics metrics;
    private final Reporter reporter;
    private final ScheduledExecutorService sampler;
    private final SamplingLoop loop;
    private final Optional<LatencyScraper> scraper;
    private final HttpServer server;
    private final InstantSource clock;

    private AgentRunner(AgentConfig config, SystemSource source, InstantSource clock, RandomGenerator random)
            throws Exception {
        this.config = config;
        this.clock = clock;
        this.vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(
                        new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        try {
            this.metrics = new AgentMetrics();
            LatencyRecorder recorder = new LatencyRecorder(System.nanoTime());
            this.reporter = new Reporter(
                    vertx,
                    new ReporterSettings(
                            config.bmsUrls(),
                            config.serverId(),
                            config.bmsToken(),
                            config.bufferSize(),
                            config.backoff(),
                            config.requestTimeoutMillis(),
                            config.bmsCaFile()),
                    metrics,
                    random);
            this.scraper = config.scrapeUrl()
                    .map(url -> new LatencyScraper(
                            vertx,
                            url,
                            config.scrapeMetric(),
                            config.scrapeToMillis(),
                            config.requestTimeoutMillis(),
                            System::nanoTime));
            long maxScrapeAgeNanos = TimeUnit.MILLISECONDS.toNanos(config.intervalMillis() * 2);
            this.loop = new SamplingLoop(
                    source,
                    nowNanos -> {
                        LatencySummary pushed = recorder.drain(nowNanos);
                        return scraper.flatMap(s -> s.latest(nowNanos, maxScrapeAgeNanos))
                                .orElse(pushed);
                    },
                    clock,
                    config.region(),
                    config.pool(),
                    reporter::submit,
                    metrics);
            this.server = new AgentHttpServer(vertx, metrics, recorder, this::health)
                    .listen(config.host(), config.port())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            scraper.ifPresent(s -> s.start(config.intervalMillis()));
            this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "agent-sampler");
                thread.setDaemon(true);
                return thread;
            });
            sampler.scheduleAtFixedRate(loop, 0, config.intervalMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception | Error e) {
            vertx.close();
            throw e;
        }
    }

    /**
     * Starts an agent that samples this machine through OSHI (and cgroup v2 where present).
     *
     * @param config the configuration
     * @return the running agent, its HTTP endpoints listening
     * @throws Exception when the port cannot be bound
     */
    public static AgentRunner start(AgentConfig config) throws Exception {
        Optional<CgroupV2> cgroup = CgroupV2.detect();
        OshiSystemSource source = new OshiSystemSource(
                config.networkFilter(),
                config.includeLoopback(),
                config.diskFilter(),
                cgroup,
                System::nanoTime,
                config.netCapacityBitsPerSecond());
        AgentRunner runner = new AgentRunner(config, source, InstantSource.system(), RandomGenerator.getDefault());
        LOG.info(
                "Load agent {} started: reporting to {} every {} ms, endpoints on {}:{}; cgroup v2 {}; "
                        + "interfaces {} (capacity bytes/s {}); disks {}",
                config.serverId(),
                config.bmsUrls(),
                config.intervalMillis(),
                config.host(),
                runner.httpPort(),
                cgroup.map(c -> c.directory().toString()).orElse("not used"),
                source.interfaceNames(),
                source.linkCapacity(),
                source.diskNames());
        return runner;
    }

    /**
     * Starts an agent on a given source of readings, clock and jitter (tests).
     */
    static AgentRunner start(AgentConfig config, SystemSource source, InstantSource clock, RandomGenerator random)
            throws Exception {
        return new AgentRunner(config, source, clock, random);
    }

    /** The port the agent's HTTP endpoints listen on. */
    public int httpPort() {
        return server.actualPort();
    }

    /** The reporter (buffer, backoff, endpoint). */
    public Reporter reporter() {
        return reporter;
    }

    /** The agent's metrics. */
    public AgentMetrics metrics() {
        return metrics;
    }

    /** The body of {@code /health}: DOWN when no tick completed in three intervals (at least 5 s). */
    JsonObject health() {
        long now = clock.millis();
        long sinceSample = now - loop.lastSampleAtMillis();
        boolean up = sinceSample <= Math.max(5_000, 3 * config.intervalMillis());
        return new JsonObject()
                .put("status", up ? "UP" : "DOWN")
                .put("serverId", config.serverId())
                .put("lastSampleAt", loop.lastSampleAtMillis())
                .put("lastReportSentAt", reporter.lastSentAtMillis())
                .put("samples", (long) metrics.samples())
                .put("buffered", reporter.buffered())
                .put("backoffMs", reporter.backoffMillis())
                .put("bmsUrl", reporter.currentEndpoint());
    }

    /** Stops sampling, reporting and serving. */
    @Override
    public void close() {
        sampler.shutdownNow();
        scraper.ifPresent(LatencyScraper::close);
        try {
            reporter.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("Close did not finish cleanly: {}", e.toString());
        }
        metrics.close();
    }
}
