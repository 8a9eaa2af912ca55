package dev.tokenplane.example;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Login protection through leases ({@code POST /v1/buckets/{key}/lease} and {@code …/release}): an attempt leases one
 * token from each of its buckets in order (username, IP, site), all or nothing: on the first denial the tokens already
 * leased go back at once, so a username that is locked costs the IP bucket nothing. A failed login keeps its tokens
 * spent (its leases just expire); a successful one releases them, so a user who logs in is never locked out by their
 * own earlier typos.
 */
public final class LoginGuard {
    /** How long an attempt may hold its leases: the time the password check may take. */
    static final Duration LEASE_TTL = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI bms;
    private final String apiKey;

    /** {@code apiKey}: this service's own API key for the BMS, or null when the BMS has none configured. */
    public LoginGuard(HttpClient http, URI bms, String apiKey) {
        this.http = http;
        this.bms = bms;
        this.apiKey = apiKey;
    }

    /** One token held in one bucket for one attempt. */
    record Lease(String key, String leaseId) {}

    /**
     * An attempt's outcome: {@code allowed} with the leases it holds, or refused with the time until the bucket that
     * refused it has a token again.
     */
    public record Attempt(boolean allowed, long retryAfterMs, List<Lease> leases) {}

    /** Takes a token from every bucket of {@code keys} (in that order), or from none. */
    public CompletionStage<Attempt> begin(List<String> keys) {
        return leaseFrom(keys, 0, new ArrayList<>());
    }

    /** The login succeeded: its tokens go back to their buckets. */
    public CompletionStage<Void> succeeded(Attempt attempt) {
        return releaseAll(attempt.leases());
    }

    // A failed login needs no call: its leases expire and their tokens stay spent.

    private CompletionStage<Attempt> leaseFrom(List<String> keys, int next, List<Lease> held) {
        if (next == keys.size()) {
            return CompletableFuture.completedFuture(new Attempt(true, 0, List.copyOf(held)));
        }
        String key = keys.get(next);
        JsonObject body = new JsonObject().put("tokens", 1).put("ttlMs", LEASE_TTL.toMillis());
        return post(key, "lease", body)
                .handle((answer, error) -> {
                    if (error != null) {
                        // the BMS cannot answer: give back what is held, and refuse (a login guard fails closed)
                        return releaseAll(held).<Attempt>thenApply(v -> {
                            throw new IllegalStateException("the BMS did not answer", error);
                        });
                    }
                    if (!answer.getBoolean("granted", false) || answer.getString("leaseId") == null) {
                        long retryAfterMs = answer.getLong("retryAfterMs", 1000L);
                        return releaseAll(held).thenApply(v -> new Attempt(false, retryAfterMs, List.of()));
                    }
                    held.add(new Lease(key, answer.getString("leaseId")));
                    return leaseFrom(keys, next + 1, held);
                })
                .thenCompose(stage -> stage);
    }

    private CompletionStage<Void> releaseAll(List<Lease> leases) {
        CompletableFuture<?>[] releases = leases.stream()
                .map(l -> post(
                                l.key(),
                                "release",
                                new JsonObject().put("leaseId", l.leaseId()).put("tokens", 1))
                        .toCompletableFuture()
                        .exceptionally(e -> null)) // a release that fails leaves the token spent: never over-admits
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(releases);
    }

    private CompletionStage<JsonObject> post(String key, String action, JsonObject body) {
        String path =
                "/v1/buckets/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/" + action;
        HttpRequest.Builder request = HttpRequest.newBuilder(bms.resolve(path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (apiKey != null) {
            request.header("X-Api-Key", apiKey);
        }
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> {
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("BMS " + action + " answered " + r.statusCode());
                    }
                    return new JsonObject(r.body());
                });
    }
}
