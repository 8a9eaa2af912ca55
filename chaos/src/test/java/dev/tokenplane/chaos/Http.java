package dev.tokenplane.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * HTTP calls to a member, classified the way the measurements need them: an answer, a call that certainly did not
 * reach the member (connection refused or not established), or one whose effect is unknown (timed out or cut after the
 * request was sent: the member may have applied it).
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What became of a call. {@code body} is null unless {@link Outcome#ANSWERED}; {@code failure} (the client's
     * exception) is null when it was.
     */
    record Reply(Outcome outcome, int status, JsonNode body, long sentNanos, long answeredNanos, String failure) {
        boolean ok() {
            return outcome == Outcome.ANSWERED && status / 100 == 2;
        }
    }

    enum Outcome {
        ANSWERED,
        NOT_SENT,
        UNKNOWN
    }

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    private final String adminToken;
    private final Duration timeout;
    /** How long {@link #admin} keeps trying a write whose effect is unknown. */
    static final Duration ADMIN_PATIENCE = Duration.ofSeconds(45);
    /** The admin writes that needed more than one try, as a line each. */
    final List<String> slow = new CopyOnWriteArrayList<>();

    Http(String adminToken, Duration timeout) {
        this.adminToken = adminToken;
        this.timeout = timeout;
    }

    Reply call(String method, String url, Object body, boolean admin) {
        return callAsync(method, url, body, admin).join();
    }

    /** The call without waiting for it: the load generator fires at its rate whatever a member's latency. */
    CompletableFuture<Reply> callAsync(String method, String url, Object body, boolean admin) {
        long sent = System.nanoTime();
        HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(timeout)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (admin) {
            request.header("Authorization", "Bearer " + adminToken);
        }
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    long answered = System.nanoTime();
                    if (failure == null) {
                        return new Reply(
                                Outcome.ANSWERED, response.statusCode(), json(response.body()), sent, answered, null);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause()
                            : failure;
                    boolean notSent = cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException;
                    return new Reply(
                            notSent ? Outcome.NOT_SENT : Outcome.UNKNOWN, 0, null, sent, answered, cause.toString());
                });
    }

    private static JsonNode json(String body) {
        try {
            return body.isEmpty() || !body.startsWith("{") ? null : JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    Reply get(String url) {
        return call("GET", url, null, true);
    }

    /**
     * The body of a 2xx answer, or an AssertionError naming what came back. A call of unknown effect or a 5xx is made
     * again, for up to {@link #ADMIN_PATIENCE}: the harness's own writes are idempotent, and a loaded machine may take
     * longer than the call timeout to sync a configuration write (each member fsyncs every write to its journal).
     * A write that needed more than one try is added to {@code slow}, for the report.
     */
    JsonNode admin(String method, String url, Object body) {
        long start = System.nanoTime();
        long deadline = start + ADMIN_PATIENCE.toNanos();
        Reply reply = call(method, url, body, true);
        List<String> failures = new ArrayList<>();
        while ((reply.outcome() == Outcome.UNKNOWN || reply.status() >= 500) && System.nanoTime() < deadline) {
            failures.add(reply.failure() != null ? reply.failure() : "HTTP " + reply.status());
            ChaosRun.pause(Duration.ofMillis(500));
            reply = call(method, url, body, true);
        }
        if (!failures.isEmpty()) {
            slow.add(String.format(
                    Locale.ROOT,
                    "%s %s took %.1f s and %d tries (%s)",
                    method,
                    URI.create(url).getPath(),
                    (System.nanoTime() - start) / 1e9,
                    failures.size() + 1,
                    String.join("; ", new LinkedHashSet<>(failures))));
        }
        if (!reply.ok()) {
            throw new AssertionError(method + " " + url + ": " + reply.outcome() + " " + reply.status() + " "
                    + reply.body() + (reply.failure() == null ? "" : " " + reply.failure()) + "; earlier tries: "
                    + failures);
        }
        return reply.body();
    }

    /** A Prometheus gauge of {@code /metrics} (the first sample of that name), or -1 when unreadable. */
    double metric(String baseUrl, String name) {
        try {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                            .timeout(timeout)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
