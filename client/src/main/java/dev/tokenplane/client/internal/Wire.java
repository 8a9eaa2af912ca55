package dev.tokenplane.client.internal;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.AllResult;
import dev.tokenplane.client.BatchResult;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimitException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The BMS contract's JSON (http-api.md), both ways. */
final class Wire {
    private Wire() {
    }

    /** The path of a bucket operation, with the key percent-encoded as one path segment. */
    static String bucketPath(String key, String operation) {
        return "/v1/buckets/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/" + operation;
    }

    static Buffer acquireBody(long tokens, long maxWaitMs) {
        return Buffer.buffer("{\"tokens\":" + tokens + ",\"maxWaitMs\":" + maxWaitMs + "}");
    }

    static Buffer leaseBody(long tokens, long ttlMs) {
        return Buffer.buffer("{\"tokens\":" + tokens + ",\"ttlMs\":" + ttlMs + "}");
    }

    static Buffer releaseBody(String leaseId, long tokens) {
        return new JsonObject().put("leaseId", leaseId).put("tokens", tokens).toBuffer();
    }

    static Buffer batchBody(List<AcquireRequest> requests) {
        return batchJson(requests).toBuffer();
    }

    /** The body of an all-or-nothing batch. */
    static Buffer atomicBody(List<AcquireRequest> requests) {
        return batchJson(requests).put("atomic", true).toBuffer();
    }

    private static JsonObject batchJson(List<AcquireRequest> requests) {
        JsonArray items = new JsonArray();
        for (AcquireRequest r : requests) {
            items.add(new JsonObject().put("key", r.key()).put("tokens", r.tokens()).put("maxWaitMs", r.maxWaitMs()));
        }
        return new JsonObject().put("requests", items);
    }

    /** The answer to an all-or-nothing batch. */
    static AllResult allResult(JsonObject body) {
        JsonArray results = body.getJsonArray("results");
        List<Decision> decisions = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            decisions.add(decision(results.getJsonObject(i)));
        }
        return new AllResult(body.getBoolean("granted", false), body.getLong("retryAfterMs", 0L), decisions);
    }

    /** An upper bound of the bytes {@code r} takes in a batch body (escapes and UTF-8 counted at their longest). */
    static long itemBytes(AcquireRequest r) {
        long bytes = 80; // {"key":"","tokens":<19 digits>,"maxWaitMs":<19 digits>},
        String key = r.key();
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            bytes += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : 3;
        }
        return bytes;
    }

    static Decision decision(JsonObject o) {
        return new Decision(o.getString("key"), o.getBoolean("granted", false), o.getLong("tokens", 0L),
                o.getLong("remaining", 0L), o.getLong("capacity", 0L), o.getDouble("refillPerSecond", 0d),
                o.getLong("waitMs", 0L), o.getLong("retryAfterMs", 0L), o.getString("ruleId"), DecisionSource.BMS);
    }

    static List<BatchResult> batchResults(JsonObject body) {
        JsonArray results = body.getJsonArray("results");
        List<BatchResult> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            JsonObject o = results.getJsonObject(i);
            if (o.containsKey("error")) {
                out.add(new BatchResult.Failed(o.getString("key"),
                        RateLimitException.of(400, o.getString("error"), o.getString("message"))));
            } else {
                out.add(new BatchResult.Decided(decision(o)));
            }
        }
        return out;
    }

    /** The typed exception for a 4xx answer. */
    static RateLimitException error(int status, Buffer body) {
        String code = null;
        String message = null;
        try {
            JsonObject o = body == null ? null : body.toJsonObject();
            if (o != null) {
                code = o.getString("error");
                message = o.getString("message");
            }
        } catch (DecodeException | ClassCastException e) {
            message = "HTTP " + status;
        }
        return RateLimitException.of(status, code, message);
    }
}
