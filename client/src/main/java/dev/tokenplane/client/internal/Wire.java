package dev.tokenplane.client.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.AllResult;
import dev.tokenplane.client.BatchResult;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.RateLimitException;
import dev.tokenplane.store.Priority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The BMS contract's JSON ({@code /openapi.json}), both ways, with Jackson. */
final class Wire {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {}

    /** The path of a bucket operation, with the key percent-encoded as one path segment. */
    static String bucketPath(String key, String operation) {
        return "/v1/buckets/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20") + "/" + operation;
    }

    static byte[] acquireBody(long tokens, long maxWaitMs) {
        return acquireBody(tokens, maxWaitMs, Priority.DEFAULT);
    }

    /** The body of an acquire; the priority only when it is not the default, so default bodies stay as they were. */
    static byte[] acquireBody(long tokens, long maxWaitMs, Priority priority) {
        String classField = priority == Priority.DEFAULT ? "" : ",\"priority\":\"" + priority.wireName() + "\"";
        return ("{\"tokens\":" + tokens + ",\"maxWaitMs\":" + maxWaitMs + classField + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] leaseBody(long tokens, long ttlMs) {
        return ("{\"tokens\":" + tokens + ",\"ttlMs\":" + ttlMs + "}").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] releaseBody(String leaseId, long tokens) {
        return bytes(JSON.createObjectNode().put("leaseId", leaseId).put("tokens", tokens));
    }

    static byte[] batchBody(List<AcquireRequest> requests) {
        return bytes(batchJson(requests));
    }

    /** The body of an all-or-nothing batch. */
    static byte[] atomicBody(List<AcquireRequest> requests) {
        return bytes(batchJson(requests).put("atomic", true));
    }

    private static ObjectNode batchJson(List<AcquireRequest> requests) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("requests");
        for (AcquireRequest r : requests) {
            ObjectNode item = items.addObject()
                    .put("key", r.key())
                    .put("tokens", r.tokens())
                    .put("maxWaitMs", r.maxWaitMs());
            if (r.priority() != Priority.DEFAULT) {
                item.put("priority", r.priority().wireName());
            }
        }
        return body;
    }

    /** The parsed body of an answer. */
    static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("the BMS answered a body that is not JSON", e);
        }
    }

    /** The answer to an all-or-nothing batch. */
    static AllResult allResult(JsonNode body) {
        JsonNode results = body.path("results");
        List<Decision> decisions = new ArrayList<>(results.size());
        for (JsonNode o : results) {
            decisions.add(decision(o));
        }
        return new AllResult(
                body.path("granted").asBoolean(false), body.path("retryAfterMs").asLong(0), decisions);
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

    static Decision decision(JsonNode o) {
        return new Decision(
                text(o, "key"),
                o.path("granted").asBoolean(false),
                o.path("tokens").asLong(0),
                o.path("remaining").asLong(0),
                o.path("capacity").asLong(0),
                o.path("refillPerSecond").asDouble(0),
                o.path("waitMs").asLong(0),
                o.path("retryAfterMs").asLong(0),
                text(o, "ruleId"),
                DecisionSource.BMS);
    }

    static List<BatchResult> batchResults(JsonNode body) {
        JsonNode results = body.path("results");
        List<BatchResult> out = new ArrayList<>(results.size());
        for (JsonNode o : results) {
            if (o.has("error")) {
                out.add(new BatchResult.Failed(
                        text(o, "key"), RateLimitException.of(400, text(o, "error"), text(o, "message"))));
            } else {
                out.add(new BatchResult.Decided(decision(o)));
            }
        }
        return out;
    }

    /** The typed exception for a 4xx answer. */
    static RateLimitException error(int status, byte[] body) {
        String code = null;
        String message = null;
        try {
            JsonNode o = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (o != null && o.isObject()) {
                code = text(o, "error");
                message = text(o, "message");
            }
        } catch (IOException e) {
            message = "HTTP " + status;
        }
        return RateLimitException.of(status, code, message);
    }

    /** A text field, or null when absent or JSON null. */
    static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
