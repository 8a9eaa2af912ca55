package dev.tokenplane.bms.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Vert.x's Micrometer metrics ({@link MicrometerMetricsFactory}) with the HTTP server's request meters looked up once
 * instead of on every request ({@link CachedHttpServerMetrics}): the same {@code vertx_http_server_*} series, with
 * the same names, descriptions and tags, for about a fifth less CPU per small request (BENCHMARKS.md, 2026-12-07
 * 12:20 UTC). Everything else is Vert.x's own. With labels that grow with the traffic ({@code LOCAL}, {@code REMOTE},
 * {@code HTTP_PATH}) or a custom tags provider, the HTTP server's metrics stay Vert.x's own too.
 */
public final class CachedHttpMetricsFactory implements VertxMetricsFactory {

    private final MicrometerMetricsFactory micrometer;
    private final MeterRegistry registry;

    public CachedHttpMetricsFactory(MeterRegistry registry) {
        this.micrometer = new MicrometerMetricsFactory(registry);
        this.registry = registry;
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        VertxMetrics stock = micrometer.metrics(options);
        MicrometerMetricsOptions micrometerOptions = options.getMetricsOptions() instanceof MicrometerMetricsOptions m
                ? m
                : new MicrometerMetricsOptions(options.getMetricsOptions().toJson());
        boolean customTags = micrometerOptions.getServerRequestTagsProvider() != null;
        if (!HttpServerMeters.supports(micrometerOptions.getLabels(), customTags)) {
            return stock;
        }
        return new WithCachedHttpServer(
                stock,
                new HttpServerMeters(registry, micrometerOptions.getMetricsNaming(), micrometerOptions.getLabels()));
    }

    @Override
    public MetricsOptions newOptions() {
        return micrometer.newOptions();
    }

    @Override
    public MetricsOptions newOptions(MetricsOptions options) {
        return micrometer.newOptions(options);
    }

    @Override
    public MetricsOptions newOptions(JsonObject json) {
        return micrometer.newOptions(json);
    }

    /** Vert.x's metrics, but for the HTTP servers' requests. */
    private static final class WithCachedHttpServer implements VertxMetrics {
        private final VertxMetrics stock;
        private final HttpServerMeters meters;

        WithCachedHttpServer(VertxMetrics stock, HttpServerMeters meters) {
            this.stock = stock;
            this.meters = meters;
        }

        @Override
        public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress local) {
            HttpServerMetrics<?, ?, ?> server = stock.createHttpServerMetrics(options, local);
            return server == null ? null : new CachedHttpServerMetrics(meters, server); // null: the domain is off
        }

        @Override
        public EventBusMetrics createEventBusMetrics() {
            return stock.createEventBusMetrics();
        }

        @Override
        public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remote, String type, String namespace) {
            return stock.createClientMetrics(remote, type, namespace);
        }

        @Override
        public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
            return stock.createHttpClientMetrics(options);
        }

        @Override
        public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress local) {
            return stock.createNetServerMetrics(options, local);
        }

        @Override
        public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
            return stock.createNetClientMetrics(options);
        }

        @Override
        public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
            return stock.createDatagramSocketMetrics(options);
        }

        @Override
        public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
            return stock.createPoolMetrics(type, name, maxSize);
        }

        @Override
        public void vertxCreated(Vertx vertx) {
            stock.vertxCreated(vertx);
        }

        @Override
        public boolean isMetricsEnabled() {
            return stock.isMetricsEnabled();
        }

        @Override
        public void close() {
            stock.close();
        }
    }
}
