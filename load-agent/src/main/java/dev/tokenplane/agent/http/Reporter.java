package dev.tokenplane.agent.http;

import dev.tokenplane.agent.AgentMetrics;
import dev.tokenplane.agent.core.AgentReport;
import dev.tokenplane.agent.core.FailoverSchedule;
import dev.tokenplane.agent.core.ReportBuffer;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends reports to the BMS ({@code POST {bmsUrl}/v1/agents/{serverId}/reports}), oldest first, one at a time.
 *
 * <ul>
 *   <li>{@link #submit} only appends to a bounded {@link ReportBuffer} (dropping the oldest when full) and returns:
 *       the sampler never waits on the network.</li>
 *   <li>A send that fails with a network error, a timeout, 401, 403, 408, 429 or 5xx is retried: at once on the next
 *       URL, and after a full-jitter backoff once every URL has failed in a row ({@link FailoverSchedule}).</li>
 *   <li>Any other 4xx means the BMS refuses this report as such: retrying it cannot help, so it is dropped (counted as
 *       failed, logged) and the next one goes.</li>
 *   <li>After a success the reporter stays on that URL and drains the buffer.</li>
 * </ul>
 * The BMS may be stopped and restarted under it: the next retry after the restart opens a new connection, and the
 * buffered reports go out. No restart of the agent is needed.
 *
 * <p>Thread safety: {@link #submit} and the getters may be called from any thread; everything else runs on one
 * Vert.x context.
 */
public final class Reporter {

    private static final Logger LOG = LoggerFactory.getLogger(Reporter.class);

    private final Vertx vertx;
    private final Context context;
    private final WebClient client;
    private final ReporterSettings settings;
    private final AgentMetrics metrics;
    private final RandomGenerator random;
    private final ReportBuffer<AgentReport> buffer;
    private final FailoverSchedule schedule;
    private final String path;

    // Touched on the context only.
    private boolean inFlight;
    private long retryTimer = -1;
    private boolean failing;

    private volatile boolean closed;
    private volatile long backoffMillis;
    private volatile long lastSentAtMillis = -1;
    private volatile String endpoint;

    /**
     * @param vertx    the Vert.x instance to send with
     * @param settings where and how to send
     * @param metrics  where sends, failures and drops are counted
     * @param random   the jitter source (a seeded one gives a repeatable schedule)
     */
    public Reporter(Vertx vertx, ReporterSettings settings, AgentMetrics metrics, RandomGenerator random) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.settings = settings;
        this.metrics = metrics;
        this.random = random;
        this.buffer = new ReportBuffer<>(settings.bufferCapacity());
        this.schedule = new FailoverSchedule(settings.bmsUrls(), settings.backoff());
        this.endpoint = schedule.currentEndpoint();
        this.path = "/v1/agents/" + URLEncoder.encode(settings.serverId(), StandardCharsets.UTF_8) + "/reports";
        WebClientOptions options = new WebClientOptions()
                .setUserAgent("tokenplane-load-agent")
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.requestTimeoutMillis()));
        settings.trustCaFile()
                .ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        this.client = WebClient.create(vertx, options);
        metrics.trackReporter(buffer::size, () -> backoffMillis / 1000.0);
    }

    /**
     * Queues a report for sending and returns at once.
     *
     * @param report the report
     */
    public void submit(AgentReport report) {
        if (closed) {
            return;
        }
        if (buffer.offer(report).isPresent()) {
            metrics.reportDropped();
        }
        context.runOnContext(v -> pump());
    }

    /** Reports waiting to be sent. */
    public int buffered() {
        return buffer.size();
    }

    /** The wait before the next retry in ms, 0 while sends succeed. */
    public long backoffMillis() {
        return backoffMillis;
    }

    /** The URL the next report goes to. */
    public String currentEndpoint() {
        return endpoint;
    }

    /** Epoch ms of the last accepted report, or -1. */
    public long lastSentAtMillis() {
        return lastSentAtMillis;
    }

    /** Stops sending; reports still buffered are abandoned. */
    public Future<Void> close() {
        closed = true;
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (retryTimer != -1) {
                vertx.cancelTimer(retryTimer);
                retryTimer = -1;
            }
            client.close();
            done.complete();
        });
        return done.future();
    }

    private void pump() {
        if (closed || inFlight || retryTimer != -1) {
            return;
        }
        Optional<AgentReport> next = buffer.peek();
        if (next.isEmpty()) {
            return;
        }
        AgentReport report = next.get();
        String target = schedule.currentEndpoint();
        inFlight = true;
        HttpRequest<Buffer> request = client.postAbs(target + path)
                .timeout(settings.requestTimeoutMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json");
        settings.bearerToken().ifPresent(request::bearerTokenAuthentication);
        request.sendBuffer(ReportJson.encode(report)).onComplete(result -> {
            inFlight = false;
            onResult(report, target, result);
        });
    }

    private void onResult(AgentReport report, String target, AsyncResult<HttpResponse<Buffer>> result) {
        if (closed) {
            return;
        }
        int status = result.succeeded() ? result.result().statusCode() : 0;
        if (status >= 200 && status < 300) {
            buffer.removeIfOldest(report);
            schedule.onSuccess();
            backoffMillis = 0;
            lastSentAtMillis = System.currentTimeMillis();
            metrics.reportSent();
            if (failing) {
                failing = false;
                LOG.info("Reporting to {} again; {} reports buffered", target, buffer.size());
            }
            pump();
            return;
        }
        metrics.reportFailed();
        if (status >= 400 && status < 500 && !retryable(status)) {
            buffer.removeIfOldest(report);
            schedule.onSuccess();
            backoffMillis = 0;
            LOG.warn(
                    "BMS {} rejected a report with status {}: {}; dropped it",
                    target,
                    status,
                    result.result().bodyAsString());
            pump();
            return;
        }
        String why = result.succeeded() ? "status " + status : String.valueOf(result.cause());
        long delay = schedule.onFailure(random);
        endpoint = schedule.currentEndpoint();
        backoffMillis = delay;
        if (!failing) {
            failing = true;
            LOG.warn("Report to {} failed ({}); failing over / backing off", target, why);
        } else {
            LOG.debug("Report to {} failed ({}); next {} in {} ms", target, why, endpoint, delay);
        }
        if (delay == 0) {
            pump();
        } else {
            retryTimer = vertx.setTimer(delay, id -> {
                retryTimer = -1;
                pump();
            });
        }
    }

    /** Statuses after which the same report may succeed later: auth fixed on the BMS side, overload, a fault. */
    private static boolean retryable(int status) {
        return status == 401 || status == 403 || status == 408 || status == 429;
    }
}
