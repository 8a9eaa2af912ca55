package dev.tokenplane.client;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * The settings of a {@link RateLimiterClient}: immutable, made by a {@link RateLimiterClientBuilder}
 * ({@link RateLimiterClient#builder()}, {@link #from(RateLimiterClientConfig)}), or {@link #ofDefaults()}.
 *
 * <p>Every field has a {@code DEFAULT_*} constant. Durations are wall-clock; the {@link #clock()} gives lease expiry,
 * local buckets and fallback timing.
 */
public final class RateLimiterClientConfig {
    public static final URI DEFAULT_BMS_URL = URI.create("http://127.0.0.1:8080");
    /** A decision, retries and failover included, answers within this; after it the fallback decides. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);

    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMillis(250);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(250);
    public static final int DEFAULT_MAX_RETRIES = 3;
    public static final Backoff DEFAULT_RETRY_BACKOFF = Backoff.ofMillis(10, 200);
    public static final Backoff DEFAULT_PROBE_BACKOFF = Backoff.ofMillis(100, 5_000);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_URL = 16;
    public static final FallbackPolicy DEFAULT_FALLBACK_POLICY = FallbackPolicy.LOCAL;
    /** The share that is learned from this host's part of each key's recent grants (see {@link #fallbackShare()}). */
    public static final double LEARNED_FALLBACK_SHARE = 0;

    public static final double DEFAULT_FALLBACK_SHARE = LEARNED_FALLBACK_SHARE;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(1);
    public static final double DEFAULT_LEASE_MAX_SHARE = 0.5;
    public static final int DEFAULT_DELAY_QUEUE_CAPACITY = 1024;
    public static final int DEFAULT_MAX_TRACKED_KEYS = 100_000;

    List<URI> bmsUrls = List.of(DEFAULT_BMS_URL);
    String apiKey;
    Path trustCaFile;
    InetSocketAddress decisionEndpoint;
    Duration timeout = DEFAULT_TIMEOUT;
    Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    int maxRetries = DEFAULT_MAX_RETRIES;
    Backoff retryBackoff = DEFAULT_RETRY_BACKOFF;
    Backoff probeBackoff = DEFAULT_PROBE_BACKOFF;
    int maxConnectionsPerUrl = DEFAULT_MAX_CONNECTIONS_PER_URL;
    FallbackPolicy fallbackPolicy = DEFAULT_FALLBACK_POLICY;
    double fallbackShare = DEFAULT_FALLBACK_SHARE;
    LocalLimit fallbackDefaultLimit;
    Predicate<String> leaseKeys = key -> false;
    Duration leaseDuration = DEFAULT_LEASE_DURATION;
    double leaseMaxShare = DEFAULT_LEASE_MAX_SHARE;
    int delayQueueCapacity = DEFAULT_DELAY_QUEUE_CAPACITY;
    int maxTrackedKeys = DEFAULT_MAX_TRACKED_KEYS;
    MeterRegistry meterRegistry;
    List<Consumer<? super RateLimiterEvent>> eventConsumers = List.of();
    InstantSource clock = InstantSource.system();
    RandomGenerator random;
    Executor callbackExecutor;

    RateLimiterClientConfig() {}

    RateLimiterClientConfig(RateLimiterClientConfig c) {
        bmsUrls = c.bmsUrls;
        apiKey = c.apiKey;
        trustCaFile = c.trustCaFile;
        decisionEndpoint = c.decisionEndpoint;
        timeout = c.timeout;
        attemptTimeout = c.attemptTimeout;
        connectTimeout = c.connectTimeout;
        maxRetries = c.maxRetries;
        retryBackoff = c.retryBackoff;
        probeBackoff = c.probeBackoff;
        maxConnectionsPerUrl = c.maxConnectionsPerUrl;
        fallbackPolicy = c.fallbackPolicy;
        fallbackShare = c.fallbackShare;
        fallbackDefaultLimit = c.fallbackDefaultLimit;
        leaseKeys = c.leaseKeys;
        leaseDuration = c.leaseDuration;
        leaseMaxShare = c.leaseMaxShare;
        delayQueueCapacity = c.delayQueueCapacity;
        maxTrackedKeys = c.maxTrackedKeys;
        meterRegistry = c.meterRegistry;
        eventConsumers = c.eventConsumers;
        clock = c.clock;
        random = c.random;
        callbackExecutor = c.callbackExecutor;
    }

    /** The defaults: one BMS at {@code http://127.0.0.1:8080}, no leases, the {@code LOCAL} fallback. */
    public static RateLimiterClientConfig ofDefaults() {
        return new RateLimiterClientConfig();
    }

    /** A builder that starts from {@code base}. */
    public static RateLimiterClientBuilder from(RateLimiterClientConfig base) {
        return new RateLimiterClientBuilder(new RateLimiterClientConfig(base));
    }

    /** The BMS base URLs, in order of preference; the client fails over to the next one on transport errors. */
    public List<URI> bmsUrls() {
        return bmsUrls;
    }

    /** The {@code X-Api-Key} sent with decisions, or null. */
    public String apiKey() {
        return apiKey;
    }

    /**
     * The PEM file of the certificate authorities trusted for {@code https://} BMS URLs, or null for the JVM's
     * default trust store.
     */
    /**
     * The BMS's binary decision endpoint ({@code BMS_DECISION_PORT}) that single acquires use, or null (the default):
     * everything over HTTP. Unresolved; TLS when the first BMS URL is {@code https}.
     */
    public InetSocketAddress decisionEndpoint() {
        return decisionEndpoint;
    }

    public Path trustCaFile() {
        return trustCaFile;
    }

    /** The most a decision takes before the fallback answers it: every attempt, retry and backoff included. */
    public Duration timeout() {
        return timeout;
    }

    /** The most one HTTP attempt takes (capped by what is left of {@link #timeout()}). */
    public Duration attemptTimeout() {
        return attemptTimeout;
    }

    /** The TCP connect timeout. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Retries after the first attempt, for transport errors and 5xx answers, within {@link #timeout()}. */
    public int maxRetries() {
        return maxRetries;
    }

    /** The backoff between retries that come back to a URL already tried for the same decision. */
    public Backoff retryBackoff() {
        return retryBackoff;
    }

    /** The backoff between probes of an unreachable BMS. */
    public Backoff probeBackoff() {
        return probeBackoff;
    }

    /**
     * The most HTTP exchanges in flight at once per BMS URL, so the most connections to it (one exchange holds one
     * keep-alive HTTP/1.1 connection); further requests queue.
     */
    public int maxConnectionsPerUrl() {
        return maxConnectionsPerUrl;
    }

    public FallbackPolicy fallbackPolicy() {
        return fallbackPolicy;
    }

    /**
     * The share of a key's last known capacity and refill that the local fallback bucket gets: in (0, 1] when set
     * (with n instances of a service behind one BMS bucket, 1/n keeps their sum at the bucket's limit during an
     * outage), or {@link #LEARNED_FALLBACK_SHARE} (the default): this host's grants for the key in the 10 s windows
     * before the outage over the most the bucket grants in one, so that the hosts' shares add up to at most 1.
     */
    public double fallbackShare() {
        return fallbackShare;
    }

    /**
     * The local fallback limit, on this host, of a key with no known limit or no learned share (no grants before the
     * outage); null (the default) denies such keys until the BMS is back.
     */
    public LocalLimit fallbackDefaultLimit() {
        return fallbackDefaultLimit;
    }

    /** Which keys are served from token leases. */
    public Predicate<String> leaseKeys() {
        return leaseKeys;
    }

    /** How long leased tokens are kept before the unused ones go back to the BMS. */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /** The largest lease, as a share of the bucket's capacity, in (0, 1]. */
    public double leaseMaxShare() {
        return leaseMaxShare;
    }

    /** How many requests may wait at once in delay mode; beyond it they are answered at once. */
    public int delayQueueCapacity() {
        return delayQueueCapacity;
    }

    /** The most keys whose limits and leases the client remembers. */
    public int maxTrackedKeys() {
        return maxTrackedKeys;
    }

    /**
     * Where the client's meters go, or null for none (Micrometer is an optional dependency: needed only when set).
     */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    /** The consumers subscribed to the client's events from its start (see {@link RateLimiterEventPublisher}). */
    public List<Consumer<? super RateLimiterEvent>> eventConsumers() {
        return eventConsumers;
    }

    public InstantSource clock() {
        return clock;
    }

    /** The randomness of backoff jitter, or null for {@code ThreadLocalRandom}. Seed one to replay a schedule. */
    public RandomGenerator random() {
        return random;
    }

    /**
     * The executor that completes the stages of the asynchronous calls (so runs their callbacks) and runs the event
     * consumers, or null (the default): the stages complete on the thread that got the answer, and the consumers run
     * on the client's own event thread. See
     * {@link RateLimiterClientBuilder#callbackExecutor}.
     */
    public Executor callbackExecutor() {
        return callbackExecutor;
    }
}
