package dev.tokenplane.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * HTTP calls to a member, classified the way the measurements need them: an answer, a call that certainly did not
 * reach the member (connection refused or not established), or one whose effect is unknown (timed out or cut after the
 * request was sent: the member may have applied it).
 */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();

    /** What became of a call. {@code body} is null unless {@link Outcome#ANSWERED}. */
    record Reply(Outcome outcome, int status, JsonNode body, long sentNanos, long answeredNanos) {
        boolean ok() {
            return outcome == Outcome.ANSWERED && status / 100 == 2;
        }
    }

    enum Outcome { ANSWERED, NOT_SENT, UNKNOWN }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final String adminToken;
    private final Duration timeout;

    Http(String adminToken, Duration timeout) {
        this.adminToken = adminToken;
        this.timeout = timeout;
    }

    Reply call(String method, String url, Object body, boolean admin) {
        long sent = System.nanoTime();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .header("Content-Type", "application/json");
            if (admin) {
                request.header("Authorization", "Bearer " + adminToken);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() || !response.body().startsWith("{") ? null
                    : JSON.readTree(response.body());
            return new Reply(Outcome.ANSWERED, response.statusCode(), json, sent, System.nanoTime());
        } catch (ConnectException | HttpConnectTimeoutException notConnected) {
            return new Reply(Outcome.NOT_SENT, 0, null, sent, System.nanoTime());
        } catch (IOException e) {
            return new Reply(Outcome.UNKNOWN, 0, null, sent, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(Outcome.UNKNOWN, 0, null, sent, System.nanoTime());
        }
    }

    Reply get(String url) {
        return call("GET", url, null, true);
    }

    /** The body of a 2xx answer, or an AssertionError naming what came back. */
    JsonNode admin(String method, String url, Object body) {
        Reply reply = call(method, url, body, true);
        if (!reply.ok()) {
            throw new AssertionError(method + " " + url + ": " + reply.outcome() + " " + reply.status() + " "
                    + reply.body());
        }
        return reply.body();
    }

    /** A Prometheus gauge of {@code /metrics} (the first sample of that name), or -1 when unreadable. */
    double metric(String baseUrl, String name) {
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics"))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
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
