package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The BMS's HTTP API over java.net.http: JSON in, JSON out, error answers as {@link ApiError}. */
public final class BmsClient {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    /** @param token the admin token (never logged or printed), or null to call without one */
    public BmsClient(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    public String base() {
        return base;
    }

    /** One path segment (a bucket key, rule id or pool name), percent-encoded. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    public JsonNode put(String path, Object body) {
        return send("PUT", path, body, null);
    }

    public JsonNode delete(String path, String ifMatch) {
        return send("DELETE", path, null, ifMatch);
    }

    /** A text (non-JSON) resource, for {@code /metrics}. */
    public String text(String path) {
        return exchange(request("GET", path, null, null)).body();
    }

    private JsonNode send(String method, String path, Object body, String ifMatch) {
        HttpResponse<String> r = exchange(request(method, path, body, ifMatch));
        try {
            return r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new ApiError(r.statusCode(), "bad_answer", "the BMS answered something that is not JSON");
        }
    }

    private HttpRequest request(String method, String path, Object body, String ifMatch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            try {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } catch (IOException e) {
                throw new IllegalArgumentException(e);
            }
        }
        return b.build();
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        HttpResponse<String> r;
        try {
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiError(0, "unreachable", "cannot reach the BMS at " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, "unreachable", "interrupted");
        }
        if (r.statusCode() >= 400) {
            String code = "http_" + r.statusCode();
            String message = r.body();
            try {
                JsonNode error = JSON.readTree(r.body());
                code = error.path("error").asText(code);
                message = error.path("message").asText(message);
            } catch (IOException e) {
                // not the API's JSON error: keep the status and the body
            }
            throw new ApiError(r.statusCode(), code, message);
        }
        return r;
    }
}
