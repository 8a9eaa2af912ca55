package dev.tokenplane.client;

import dev.tokenplane.client.internal.DefaultRateLimiterClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link RateLimiterClient} (resilience4j's builder + config style). Each setter checks its value and names the
 * allowed range; {@link #build()} copies the configuration, so a builder can go on to build another client.
 *
 * <pre>{@code
 * RateLimiterClient client = RateLimiterClient.builder()
 *         .bmsUrls("http://bms-0:8080", "http://bms-1:8080")
 *         .timeout(Duration.ofMillis(300))
 *         .leases(key -> key.startsWith("enterprise:"))
 *         .fallbackPolicy(FallbackPolicy.LOCAL)
 *         .meterRegistry(registry)
 *         .build();
 * }</pre>
 */
public final class RateLimiterClientBuilder {
    private static final Set<String> SCHEMES = Set.of("http", "https");

    private final RateLimiterClientConfig config;

    RateLimiterClientBuilder(RateLimiterClientConfig config) {
        this.config = config;
    }

    /** The BMS base URLs, in order of preference, for example {@code http://127.0.0.1:8080}. */
    public RateLimiterClientBuilder bmsUrls(String... urls) {
        List<URI> list = new ArrayList<>();
        for (String u : urls) {
            list.add(URI.create(
                    Objects.requireNonNull(u, "bmsUrls must not contain null").trim()));
        }
        return bmsUrls(list);
    }

    /** The BMS base URLs, in order of preference. */
    public RateLimiterClientBuilder bmsUrls(List<URI> urls) {
        if (urls == null || urls.isEmpty()) {
            throw new IllegalArgumentException("bmsUrls must name at least one BMS");
        }
        for (URI u : urls) {
            if (u == null
                    || u.getScheme() == null
                    || !SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))
                    || u.getHost() == null) {
                throw new IllegalArgumentException("bmsUrls must be http(s)://host[:port] URLs, was " + u);
            }
        }
        config.bmsUrls = List.copyOf(urls);
        return this;
    }

    /** The API key sent as {@code X-Api-Key} with decisions (when the BMS has API keys configured). */
    public RateLimiterClientBuilder apiKey(String apiKey) {
        config.apiKey = apiKey;
        return this;
    }

    /**
     * Trusts the certificate authorities in PEM file {@code caFile} (and only those) for {@code https://} BMS URLs:
     * the BMS's own CA, or its self-signed certificate. Without it the JVM's default trust store is used.
     *
     * @throws IllegalArgumentException when the file is not readable or holds no PEM certificate
     */
    public RateLimiterClientBuilder trustCaFile(Path caFile) {
        Objects.requireNonNull(caFile, "caFile");
        String text;
        try {
            text = Files.readString(caFile, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException("trustCaFile must be a readable file, was " + caFile, e);
        }
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("trustCaFile must be a PEM file of certificates, was " + caFile);
        }
        config.trustCaFile = caFile;
        return this;
    }

    /** The most a decision takes before the fallback answers it, in [1 ms, 1 min]. */
    public RateLimiterClientBuilder timeout(Duration timeout) {
        config.timeout = checkDuration("timeout", timeout, Duration.ofMinutes(1));
        return this;
    }

    /**
     * Sends single acquires (of keys not leased, without a forwarded API key) over the BMS's compact
     * binary decision protocol at {@code host:port} (its {@code BMS_DECISION_PORT}) instead of HTTP: one pipelined
     * connection, with the same API key, the same results and exceptions, and TLS (with {@link #trustCaFile}) when the
     * first BMS URL is {@code https}. Everything else keeps HTTP. Off by default.
     */
    public RateLimiterClientBuilder decisionEndpoint(String host, int port) {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("decisionEndpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("decisionEndpoint's port must be in [1, 65535], was " + port);
        }
        config.decisionEndpoint = InetSocketAddress.createUnresolved(host.trim(), port);
        return this;
    }

    /** The most one HTTP attempt takes, in [1 ms, 1 min]. */
    public RateLimiterClientBuilder attemptTimeout(Duration attemptTimeout) {
        config.attemptTimeout = checkDuration("attemptTimeout", attemptTimeout, Duration.ofMinutes(1));
        return this;
    }

    /** The TCP connect timeout, in [1 ms, 1 min]. */
    public RateLimiterClientBuilder connectTimeout(Duration connectTimeout) {
        config.connectTimeout = checkDuration("connectTimeout", connectTimeout, Duration.ofMinutes(1));
        return this;
    }

    /** Retries after the first attempt, in [0, 20]. */
    public RateLimiterClientBuilder maxRetries(int maxRetries) {
        if (maxRetries < 0 || maxRetries > 20) {
            throw new IllegalArgumentException("maxRetries must be in [0, 20], was " + maxRetries);
        }
        config.maxRetries = maxRetries;
        return this;
    }

    public RateLimiterClientBuilder retryBackoff(Backoff backoff) {
        config.retryBackoff = Objects.requireNonNull(backoff, "retryBackoff");
        return this;
    }

    public RateLimiterClientBuilder probeBackoff(Backoff backoff) {
        config.probeBackoff = Objects.requireNonNull(backoff, "probeBackoff");
        return this;
    }

    /** The most HTTP exchanges (so connections) in flight per BMS URL, in [1, 1024]. */
    public RateLimiterClientBuilder maxConnectionsPerUrl(int max) {
        if (max < 1 || max > 1024) {
            throw new IllegalArgumentException("maxConnectionsPerUrl must be in [1, 1024], was " + max);
        }
        config.maxConnectionsPerUrl = max;
        return this;
    }

    public RateLimiterClientBuilder fallbackPolicy(FallbackPolicy policy) {
        config.fallbackPolicy = Objects.requireNonNull(policy, "fallbackPolicy");
        return this;
    }

    /**
     * A fixed share of the last known limit the local fallback bucket gets, in (0, 1], instead of the share learned
     * from this host's part of the key's recent grants (the default). 1/n for n hosts behind one bucket.
     */
    public RateLimiterClientBuilder fallbackShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("fallbackShare must be in (0, 1], was " + share);
        }
        config.fallbackShare = share;
        return this;
    }

    /**
     * The local fallback limit, per host, of keys with no known limit or no learned share; null (the default) denies
     * them while no BMS answers. Each host admits up to this limit, so n hosts admit n times it.
     */
    public RateLimiterClientBuilder fallbackDefaultLimit(LocalLimit limit) {
        config.fallbackDefaultLimit = limit;
        return this;
    }

    /** Serve the keys {@code keys} accepts from token leases. */
    public RateLimiterClientBuilder leases(Predicate<String> keys) {
        config.leaseKeys = Objects.requireNonNull(keys, "leases");
        return this;
    }

    /** How long leased tokens are kept before the unused ones go back, in [10 ms, 1 h]. */
    public RateLimiterClientBuilder leaseDuration(Duration duration) {
        Duration d = checkDuration("leaseDuration", duration, Duration.ofHours(1));
        if (d.toMillis() < 10) {
            throw new IllegalArgumentException("leaseDuration must be in [10 ms, 1 h], was " + duration);
        }
        config.leaseDuration = d;
        return this;
    }

    /** The largest lease as a share of the bucket's capacity, in (0, 1]. */
    public RateLimiterClientBuilder leaseMaxShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("leaseMaxShare must be in (0, 1], was " + share);
        }
        config.leaseMaxShare = share;
        return this;
    }

    /** How many requests may wait at once in delay mode, in [0, 1_000_000]. */
    public RateLimiterClientBuilder delayQueueCapacity(int capacity) {
        if (capacity < 0 || capacity > 1_000_000) {
            throw new IllegalArgumentException("delayQueueCapacity must be in [0, 1000000], was " + capacity);
        }
        config.delayQueueCapacity = capacity;
        return this;
    }

    /** The most keys whose limits and leases the client remembers, in [1, 10_000_000]. */
    public RateLimiterClientBuilder maxTrackedKeys(int max) {
        if (max < 1 || max > 10_000_000) {
            throw new IllegalArgumentException("maxTrackedKeys must be in [1, 10000000], was " + max);
        }
        config.maxTrackedKeys = max;
        return this;
    }

    public RateLimiterClientBuilder meterRegistry(MeterRegistry registry) {
        config.meterRegistry = registry;
        return this;
    }

    /**
     * Subscribes {@code consumer} to every event of the client from its start (resilience4j's event style; more
     * consumers later with {@link RateLimiterClient#eventPublisher()}). Consumers get the events in order, on the
     * {@link #callbackExecutor} when there is one, else on the client's own event thread, never on a thread that gets
     * answers: see {@link RateLimiterEventPublisher} for the queue and what it drops.
     */
    public RateLimiterClientBuilder onEvent(Consumer<? super RateLimiterEvent> consumer) {
        List<Consumer<? super RateLimiterEvent>> all = new ArrayList<>(config.eventConsumers);
        all.add(Objects.requireNonNull(consumer, "consumer"));
        config.eventConsumers = List.copyOf(all);
        return this;
    }

    public RateLimiterClientBuilder clock(InstantSource clock) {
        config.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The randomness of backoff jitter (seed one to replay a schedule); null for {@code ThreadLocalRandom}. */
    public RateLimiterClientBuilder random(RandomGenerator random) {
        config.random = random;
        return this;
    }

    /**
     * The executor that completes the stages of the asynchronous calls ({@code acquireAsync}, the batches), so that
     * their callbacks ({@code thenApply}, {@code whenComplete}...) run on it, as gRPC's {@code executor} or the AWS
     * SDK's future-completion executor; for callbacks that block. Give it threads to spare (a cached pool, say): a
     * callback that blocks holds one of them. The client does not shut it down.
     *
     * <p>Null, the default: no hop; a stage completes on the thread that got its answer (an HTTP client thread, the
     * decision connection's single reader thread with {@link #decisionEndpoint}, the client's timer thread for a
     * timeout or delay mode, the calling thread for a local decision). That is the fastest, but a callback must then
     * not block: with {@code decisionEndpoint}, one that blocks holds every other answer on the connection (which
     * then time out to the fallback). With an executor, each asynchronous call costs one more task handed to it (a
     * queue hand-off and, when its threads are idle, a thread wake-up). The blocking calls ({@code acquire},
     * {@code tryAcquire}) never use it.
     *
     * <p>Event consumers ({@link #onEvent}) run on it too when it is set (one of its threads at a time, so in order;
     * on the client's own event thread should it refuse the task), and on the client's own event thread when it is
     * not: never on the threads that get answers, with or without it.
     */
    public RateLimiterClientBuilder callbackExecutor(Executor executor) {
        config.callbackExecutor = executor;
        return this;
    }

    /** A copy of the configuration built so far. */
    public RateLimiterClientConfig buildConfig() {
        return new RateLimiterClientConfig(config);
    }

    /** A new client on a copy of this configuration. */
    public RateLimiterClient build() {
        return new DefaultRateLimiterClient(buildConfig());
    }

    private static Duration checkDuration(String name, Duration d, Duration max) {
        if (d == null || d.toMillis() < 1 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be in [1 ms, " + max + "], was " + d);
        }
        return d;
    }
}
