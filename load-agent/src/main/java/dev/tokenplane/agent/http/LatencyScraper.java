package dev.tokenplane.agent.http;

import dev.tokenplane.agent.core.LatencySummary;
import dev.tokenplane.agent.core.PrometheusHistogram;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes the service's Prometheus endpoint every interval and turns the growth of one histogram between two
 * scrapes into a {@link LatencySummary}. Runs on a Vert.x timer, so a slow endpoint never holds up sampling; the
 * sampler takes the latest summary with {@link #latest}.
 */
public final class LatencyScraper {

    private static final Logger LOG = LoggerFactory.getLogger(LatencyScraper.class);

    private record Scrape(PrometheusHistogram histogram, long atNanos) {}

    private record Timed(LatencySummary summary, long atNanos) {}

    private final Vertx vertx;
    private final WebClient client;
    private final String url;
    private final String metric;
    private final double toMillis;
    private final long timeoutMillis;
    private final LongSupplier nanoTime;
    private final AtomicReference<Timed> latest = new AtomicReference<>();
    private Scrape previous;
    private long timer = -1;
    private boolean warned;

    /**
     * @param vertx         the Vert.x instance
     * @param url           the service's Prometheus endpoint
     * @param metric        histogram base name, e.g. {@code http_server_requests_seconds}
     * @param toMillis      factor from the histogram's unit to ms
     * @param timeoutMillis timeout of one scrape
     * @param nanoTime      the monotonic clock
     */
    public LatencyScraper(
            Vertx vertx, String url, String metric, double toMillis, long timeoutMillis, LongSupplier nanoTime) {
        this.vertx = vertx;
        this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("tokenplane-load-agent"));
        this.url = url;
        this.metric = metric;
        this.toMillis = toMillis;
        this.timeoutMillis = timeoutMillis;
        this.nanoTime = nanoTime;
    }

    /** Scrapes now and then every {@code intervalMillis}. */
    public void start(long intervalMillis) {
        vertx.runOnContext(v -> {
            scrapeOnce();
            timer = vertx.setPeriodic(intervalMillis, id -> scrapeOnce());
        });
    }

    /**
     * The summary of the last interval between two successful scrapes, if it is recent enough.
     *
     * @param nowNanos     the monotonic time now
     * @param maxAgeNanos  how old a summary may be
     */
    public Optional<LatencySummary> latest(long nowNanos, long maxAgeNanos) {
        Timed timed = latest.get();
        if (timed == null || nowNanos - timed.atNanos() > maxAgeNanos) {
            return Optional.empty();
        }
        return Optional.of(timed.summary());
    }

    /** Stops scraping. */
    public void close() {
        vertx.runOnContext(v -> {
            if (timer != -1) {
                vertx.cancelTimer(timer);
            }
            client.close();
        });
    }

    private void scrapeOnce() {
        client.getAbs(url).timeout(timeoutMillis).send().onComplete(result -> {
            long now = nanoTime.getAsLong();
            Optional<PrometheusHistogram> histogram =
                    result.succeeded() && result.result().statusCode() == 200
                            ? PrometheusHistogram.parse(result.result().bodyAsString(), metric)
                            : Optional.empty();
            if (histogram.isEmpty()) {
                if (!warned) {
                    warned = true;
                    LOG.warn(
                            "Scrape of {} gave no histogram {} ({}); latency falls back to the intake",
                            url,
                            metric,
                            result.succeeded() ? "status " + result.result().statusCode() : result.cause());
                }
                return;
            }
            warned = false;
            Scrape current = new Scrape(histogram.get(), now);
            if (previous != null) {
                LatencySummary summary =
                        current.histogram().since(previous.histogram()).summary(now - previous.atNanos(), toMillis);
                latest.set(new Timed(summary, now));
            }
            previous = current;
        });
    }
}
