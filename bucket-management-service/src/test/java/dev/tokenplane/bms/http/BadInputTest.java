package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import dev.tokenplane.bms.support.SharedBmsTest;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A table of malformed requests, each sent as raw bytes over a socket: every one gets its documented 4xx with a JSON
 * error of the contract's shape, none a 5xx, and the state (rules, the bucket, overrides, agents, the bucket list) is
 * the same afterwards.
 */
class BadInputTest extends SharedBmsTest {
    static String token;

    record Case(
            String name,
            String method,
            String path,
            Map<String, String> headers,
            String body,
            int status,
            String error) {
        byte[] bytes() {
            return body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        token = bms.node.adminToken();
        api.put("/v1/rules/bi", Map.of("match", "bi:*", "capacity", 10, "refillPerSecond", 0.000001));
        api.post("/v1/buckets/bi:k/acquire", "{}");
        api.post("/v1/agents/bi-agent/reports", Map.of("cpu", 0.5));
    }

    static Map<String, String> admin() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Authorization", "Bearer " + token);
        h.put("Content-Type", "application/json");
        return h;
    }

    static Map<String, String> json() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        return h;
    }

    static Map<String, String> with(Map<String, String> h, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(h);
        if (value == null) {
            copy.remove(name);
        } else {
            copy.put(name, value);
        }
        return copy;
    }

    static String rule(String extra) {
        return "{\"match\":\"bi:*\",\"capacity\":10,\"refillPerSecond\":0.000001" + extra + "}";
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        String rules = "/v1/rules/bi";
        // --- rules: malformed JSON, wrong types, huge numbers, NaN, missing fields, ranges
        c.add(new Case("truncated JSON", "PUT", rules, admin(), "{\"match\":", 400, "bad_request"));
        c.add(new Case("not JSON at all", "PUT", rules, admin(), "match=bi", 400, "bad_request"));
        c.add(new Case("JSON array body", "PUT", rules, admin(), "[]", 400, "validation"));
        c.add(new Case("JSON null body", "PUT", rules, admin(), "null", 400, "bad_request"));
        c.add(new Case("empty body", "PUT", rules, admin(), "", 400, "bad_request"));
        c.add(new Case(
                "missing match", "PUT", rules, admin(), "{\"capacity\":10,\"refillPerSecond\":1}", 400, "validation"));
        c.add(new Case(
                "missing capacity",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "missing refill", "PUT", rules, admin(), "{\"match\":\"bi:*\",\"capacity\":10}", 400, "validation"));
        c.add(new Case(
                "capacity as string",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":\"10\",\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity fractional",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":10.5,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity zero",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":0,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity negative",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":-1,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity huge float",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":1e30,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity beyond long",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":99999999999999999999999,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity above max",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":1000000001,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "capacity 2000 digits",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:*\",\"capacity\":" + "9".repeat(2000) + ",\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case("refill zero", "PUT", rules, admin(), rule("").replace("0.000001", "0"), 400, "validation"));
        c.add(new Case(
                "refill negative", "PUT", rules, admin(), rule("").replace("0.000001", "-5"), 400, "validation"));
        c.add(new Case(
                "refill NaN literal", "PUT", rules, admin(), rule("").replace("0.000001", "NaN"), 400, "bad_request"));
        c.add(new Case(
                "refill NaN string",
                "PUT",
                rules,
                admin(),
                rule("").replace("0.000001", "\"NaN\""),
                400,
                "validation"));
        c.add(new Case(
                "refill Infinity literal",
                "PUT",
                rules,
                admin(),
                rule("").replace("0.000001", "Infinity"),
                400,
                "bad_request"));
        c.add(new Case(
                "refill overflowing to infinity",
                "PUT",
                rules,
                admin(),
                rule("").replace("0.000001", "1e400"),
                400,
                "validation"));
        c.add(new Case(
                "refill underflowing to zero",
                "PUT",
                rules,
                admin(),
                rule("").replace("0.000001", "1e-400"),
                400,
                "validation"));
        c.add(new Case(
                "pressure target above 1",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"pressureTargets\":{\"diskBusy\":1.5}}"),
                400,
                "validation"));
        c.add(new Case(
                "pressure target unknown signal",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"pressureTargets\":{\"gpu\":0.5}}"),
                400,
                "validation"));
        c.add(new Case(
                "unknown forecaster",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"forecaster\":{\"type\":\"arima\"}}"),
                400,
                "validation"));
        c.add(new Case(
                "seasonal without season",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"forecaster\":{\"type\":\"seasonal\"}}"),
                400,
                "validation"));
        c.add(new Case(
                "seasonTicks as fraction",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"forecaster\":{\"type\":\"seasonal\",\"seasonTicks\":2.5}}"),
                400,
                "validation"));
        c.add(new Case(
                "cooldown negative",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"damping\":{\"cooldownMs\":-1}}"),
                400,
                "validation"));
        c.add(new Case(
                "minCapacity above capacity", "PUT", rules, admin(), rule(",\"minCapacity\":11"), 400, "validation"));
        c.add(new Case(
                "maxCapacity below capacity", "PUT", rules, admin(), rule(",\"maxCapacity\":9"), 400, "validation"));
        c.add(new Case("unknown field", "PUT", rules, admin(), rule(",\"burst\":5"), 400, "validation"));
        c.add(new Case(
                "unknown nested field",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"enabled\":true,\"speed\":2}"),
                400,
                "validation"));
        c.add(new Case("duplicate key", "PUT", rules, admin(), rule(",\"capacity\":20"), 400, "bad_request"));
        c.add(new Case("trailing content", "PUT", rules, admin(), rule("") + " {}", 400, "validation"));
        c.add(new Case(
                "thresholds inverted",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"thresholdHigh\":0.3,\"thresholdLow\":0.8}"),
                400,
                "validation"));
        c.add(new Case(
                "threshold above 1",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"thresholdHigh\":1.5}"),
                400,
                "validation"));
        c.add(new Case(
                "growth factor 1",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"growthFactor\":1}"),
                400,
                "validation"));
        c.add(new Case(
                "shrink factor 1",
                "PUT",
                rules,
                admin(),
                rule(",\"adaptive\":{\"shrinkFactor\":1}"),
                400,
                "validation"));
        c.add(new Case(
                "unknown algorithm",
                "PUT",
                rules,
                admin(),
                rule(",\"algorithm\":\"FIXED_WINDOW\""),
                400,
                "validation"));
        c.add(new Case("algorithm as number", "PUT", rules, admin(), rule(",\"algorithm\":1"), 400, "validation"));
        c.add(new Case("shadow as string", "PUT", rules, admin(), rule(",\"shadow\":\"yes\""), 400, "validation"));
        c.add(new Case("shadow as number", "PUT", rules, admin(), rule(",\"shadow\":1"), 400, "validation"));
        c.add(new Case(
                "match as number",
                "PUT",
                rules,
                admin(),
                "{\"match\":5,\"capacity\":10,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "match empty",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"\",\"capacity\":10,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "match with unknown placeholder",
                "PUT",
                rules,
                admin(),
                "{\"match\":\"bi:{user}\",\"capacity\":10,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "transfer without pool",
                "PUT",
                rules,
                admin(),
                rule(",\"transfer\":{\"canBorrow\":true}"),
                400,
                "validation"));
        c.add(new Case(
                "reserve fraction 2",
                "PUT",
                rules,
                admin(),
                rule(",\"transfer\":{\"pool\":\"p\",\"reserveFraction\":2}"),
                400,
                "validation"));
        c.add(new Case("idle TTL negative", "PUT", rules, admin(), rule(",\"idleTtlSeconds\":-1"), 400, "validation"));
        c.add(new Case("id differing from path", "PUT", rules, admin(), rule(",\"id\":\"other\""), 400, "validation"));
        c.add(new Case("bad rule id", "PUT", "/v1/rules/bad%20id", admin(), rule(""), 400, "validation"));
        c.add(new Case(
                "rule id too long", "PUT", "/v1/rules/" + "r".repeat(129), admin(), rule(""), 400, "validation"));
        c.add(new Case("rule id path traversal", "PUT", "/v1/rules/..%2Fbi", admin(), rule(""), 400, "validation"));
        c.add(new Case(
                "If-Match not a version", "PUT", rules, with(admin(), "If-Match", "abc"), rule(""), 400, "validation"));
        c.add(new Case(
                "If-Match stale version", "PUT", rules, with(admin(), "If-Match", "99"), rule(""), 409, "conflict"));
        c.add(new Case("If-Match on delete", "DELETE", rules, with(admin(), "If-Match", "99"), null, 409, "conflict"));
        c.add(new Case(
                "text/plain body",
                "PUT",
                rules,
                with(admin(), "Content-Type", "text/plain"),
                rule(""),
                415,
                "unsupported_media_type"));
        c.add(new Case(
                "form body",
                "PUT",
                rules,
                with(admin(), "Content-Type", "application/x-www-form-urlencoded"),
                "match=bi",
                415,
                "unsupported_media_type"));
        c.add(new Case(
                "body without content type",
                "PUT",
                rules,
                with(admin(), "Content-Type", null),
                rule(""),
                415,
                "unsupported_media_type"));
        c.add(new Case("no token", "PUT", rules, with(admin(), "Authorization", null), rule(""), 401, "unauthorized"));
        c.add(new Case(
                "wrong token",
                "PUT",
                rules,
                with(admin(), "Authorization", "Bearer " + token + "x"),
                rule(""),
                401,
                "unauthorized"));
        c.add(new Case(
                "token without Bearer",
                "DELETE",
                rules,
                with(admin(), "Authorization", token),
                null,
                401,
                "unauthorized"));
        c.add(new Case(
                "basic auth",
                "GET",
                "/v1/rules",
                with(admin(), "Authorization", "Basic YWRtaW46YWRtaW4="),
                null,
                401,
                "unauthorized"));
        // a known credential without the role: 403 since scoped credentials (a wrong token is still 401)
        c.add(new Case(
                "agent token on admin route",
                "DELETE",
                rules,
                with(admin(), "Authorization", "Bearer " + SharedBms.AGENT_TOKEN),
                null,
                403,
                "forbidden"));
        c.add(new Case(
                "oversized body",
                "PUT",
                rules,
                admin(),
                rule(",\"pad\":\"" + "x".repeat(70_000) + "\""),
                413,
                "too_large"));
        c.add(new Case(
                "oversized chunked body",
                "PUT",
                rules,
                with(admin(), "Transfer-Encoding", "chunked"),
                chunked("x".repeat(70_000)),
                413,
                "too_large"));

        // --- decisions
        String acquire = "/v1/buckets/bi:k/acquire";
        c.add(new Case("tokens zero", "POST", acquire, json(), "{\"tokens\":0}", 400, "validation"));
        c.add(new Case("tokens negative", "POST", acquire, json(), "{\"tokens\":-5}", 400, "validation"));
        c.add(new Case("tokens as string", "POST", acquire, json(), "{\"tokens\":\"1\"}", 400, "validation"));
        c.add(new Case("tokens fractional", "POST", acquire, json(), "{\"tokens\":1.5}", 400, "validation"));
        c.add(new Case("tokens in exponent form", "POST", acquire, json(), "{\"tokens\":1e3}", 400, "validation"));
        c.add(new Case(
                "tokens null",
                "POST",
                acquire,
                json(),
                "{\"tokens\":null,\"maxWaitMs\":null,\"x\":1}",
                400,
                "validation"));
        c.add(new Case(
                "tokens beyond long", "POST", acquire, json(), "{\"tokens\":18446744073709551616}", 400, "validation"));
        c.add(new Case("tokens above the capacity", "POST", acquire, json(), "{\"tokens\":11}", 400, "validation"));
        c.add(new Case("tokens NaN", "POST", acquire, json(), "{\"tokens\":NaN}", 400, "bad_request"));
        c.add(new Case("maxWaitMs negative", "POST", acquire, json(), "{\"maxWaitMs\":-1}", 400, "validation"));
        c.add(new Case("maxWaitMs huge", "POST", acquire, json(), "{\"maxWaitMs\":99999999999}", 400, "validation"));
        c.add(new Case("unknown acquire field", "POST", acquire, json(), "{\"token\":1}", 400, "validation"));
        c.add(new Case("acquire body array", "POST", acquire, json(), "[1]", 400, "validation"));
        c.add(new Case("acquire body string", "POST", acquire, json(), "\"1\"", 400, "validation"));
        c.add(new Case(
                "acquire text/plain",
                "POST",
                acquire,
                with(json(), "Content-Type", "text/plain"),
                "{}",
                415,
                "unsupported_media_type"));
        c.add(new Case(
                "acquire oversized",
                "POST",
                acquire,
                json(),
                "{\"tokens\":" + " ".repeat(70_000) + "1}",
                413,
                "too_large"));
        // the single acquire reads its body itself (SmallBody), with the same limit and errors as every other route
        c.add(new Case(
                "acquire oversized chunked",
                "POST",
                acquire,
                with(json(), "Transfer-Encoding", "chunked"),
                chunked("{\"tokens\":" + " ".repeat(70_000) + "1}"),
                413,
                "too_large"));
        c.add(new Case(
                "acquire expecting what the server cannot meet",
                "POST",
                acquire,
                with(json(), "Expect", "200-ok"),
                "{}",
                417,
                "bad_request"));
        c.add(new Case(
                "key too long",
                "POST",
                "/v1/buckets/bi:" + "k".repeat(254) + "/acquire",
                json(),
                "{}",
                400,
                "validation"));
        c.add(new Case("key with NUL", "POST", "/v1/buckets/bi:k%00/acquire", json(), "{}", 400, "validation"));
        c.add(new Case("key with newline", "POST", "/v1/buckets/bi:k%0A/acquire", json(), "{}", 400, "validation"));
        c.add(new Case("key with space", "POST", "/v1/buckets/bi:k%20x/acquire", json(), "{}", 400, "validation"));
        c.add(new Case(
                "key with invalid UTF-8", "POST", "/v1/buckets/bi:%C3%28/acquire", json(), "{}", 400, "validation"));
        c.add(new Case(
                "key with malformed escape", "POST", "/v1/buckets/bi:%zz/acquire", json(), "{}", 400, "bad_request"));
        c.add(new Case(
                "key with truncated escape", "POST", "/v1/buckets/bi:k%2/acquire", json(), "{}", 400, "bad_request"));
        c.add(new Case(
                "double-encoded slash, no rule",
                "POST",
                "/v1/buckets/nomatch%252Fx/acquire",
                json(),
                "{}",
                404,
                "no_rule"));
        c.add(new Case(
                "encoded traversal, no rule",
                "POST",
                "/v1/buckets/..%2F..%2Fetc/acquire",
                json(),
                "{}",
                404,
                "no_rule"));
        c.add(new Case("unencoded slash in key", "POST", "/v1/buckets/bi:a/b/acquire", json(), "{}", 404, "not_found"));
        c.add(new Case("no rule for key", "POST", "/v1/buckets/zz-nothing/acquire", json(), "{}", 404, "no_rule"));

        // --- batch
        c.add(new Case("batch without requests", "POST", "/v1/acquire", json(), "{}", 400, "validation"));
        c.add(new Case("batch empty", "POST", "/v1/acquire", json(), "{\"requests\":[]}", 400, "validation"));
        c.add(new Case(
                "batch over 1000 items",
                "POST",
                "/v1/acquire",
                json(),
                "{\"requests\":[" + String.join(",", java.util.Collections.nCopies(1001, "{\"key\":\"bi:k\"}")) + "]}",
                400,
                "validation"));
        c.add(new Case(
                "batch requests not an array", "POST", "/v1/acquire", json(), "{\"requests\":{}}", 400, "validation"));
        c.add(new Case(
                "batch item wrong type",
                "POST",
                "/v1/acquire",
                json(),
                "{\"requests\":[{\"key\":\"bi:k\",\"tokens\":true}]}",
                400,
                "validation"));
        c.add(new Case(
                "batch item unknown field",
                "POST",
                "/v1/acquire",
                json(),
                "{\"requests\":[{\"key\":\"bi:k\",\"weight\":1}]}",
                400,
                "validation"));
        c.add(new Case("batch no body", "POST", "/v1/acquire", json(), null, 400, "bad_request"));

        // --- leases (the contract extension): nothing is taken, nothing given back
        String lease = "/v1/buckets/bi:k/lease";
        String release = "/v1/buckets/bi:k/release";
        c.add(new Case("lease tokens zero", "POST", lease, json(), "{\"tokens\":0}", 400, "validation"));
        c.add(new Case("lease above the capacity", "POST", lease, json(), "{\"tokens\":11}", 400, "validation"));
        c.add(new Case("lease ttl too short", "POST", lease, json(), "{\"ttlMs\":0}", 400, "validation"));
        c.add(new Case("lease ttl too long", "POST", lease, json(), "{\"ttlMs\":7200001}", 400, "validation"));
        c.add(new Case("lease with a wait", "POST", lease, json(), "{\"maxWaitMs\":10}", 400, "validation"));
        c.add(new Case("release without a lease", "POST", release, json(), "{\"tokens\":5}", 400, "validation"));
        c.add(new Case(
                "release malformed lease id",
                "POST",
                release,
                json(),
                "{\"leaseId\":\"../../x\",\"tokens\":5}",
                400,
                "validation"));
        c.add(new Case(
                "release lease id as number",
                "POST",
                release,
                json(),
                "{\"leaseId\":1,\"tokens\":5}",
                400,
                "validation"));
        c.add(new Case(
                "release unknown lease",
                "POST",
                release,
                json(),
                "{\"leaseId\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"tokens\":5}",
                404,
                "not_found"));

        // --- overrides
        String override = "/v1/buckets/bi:k/override";
        c.add(new Case(
                "override missing capacity", "PUT", override, admin(), "{\"refillPerSecond\":1}", 400, "validation"));
        c.add(new Case(
                "override capacity zero",
                "PUT",
                override,
                admin(),
                "{\"capacity\":0,\"refillPerSecond\":1}",
                400,
                "validation"));
        c.add(new Case(
                "override expiry in the past",
                "PUT",
                override,
                admin(),
                "{\"capacity\":5,\"refillPerSecond\":1,\"expiresAt\":1000}",
                400,
                "validation"));
        c.add(new Case(
                "override unknown transfer field",
                "PUT",
                override,
                admin(),
                "{\"capacity\":5,\"refillPerSecond\":1,\"transfer\":{\"borrow\":true}}",
                400,
                "validation"));
        c.add(new Case(
                "override without token",
                "PUT",
                override,
                with(admin(), "Authorization", null),
                "{\"capacity\":5,\"refillPerSecond\":1}",
                401,
                "unauthorized"));
        c.add(new Case("delete absent override", "DELETE", override, admin(), null, 404, "not_found"));

        // --- agents
        String report = "/v1/agents/bi-agent/reports";
        c.add(new Case("cpu above 1", "POST", report, admin(), "{\"cpu\":1.5}", 400, "validation"));
        c.add(new Case("memory negative", "POST", report, admin(), "{\"memory\":-0.1}", 400, "validation"));
        c.add(new Case("rate negative", "POST", report, admin(), "{\"netRxBytesPerSec\":-1}", 400, "validation"));
        c.add(new Case("diskBusy above 1", "POST", report, admin(), "{\"diskBusy\":1.01}", 400, "validation"));
        c.add(new Case(
                "netUtilisation negative", "POST", report, admin(), "{\"netUtilisation\":-0.5}", 400, "validation"));
        c.add(new Case("cpu as word", "POST", report, admin(), "{\"cpu\":\"high\"}", 400, "validation"));
        c.add(new Case("serverId differing", "POST", report, admin(), "{\"serverId\":\"other\"}", 400, "validation"));
        c.add(new Case("bad serverId", "POST", "/v1/agents/bad%20id/reports", admin(), "{}", 400, "validation"));
        c.add(new Case("report unknown field", "POST", report, admin(), "{\"gpu\":0.5}", 400, "validation"));
        c.add(new Case(
                "report without token",
                "POST",
                report,
                with(admin(), "Authorization", null),
                "{}",
                401,
                "unauthorized"));

        // --- reads
        c.add(new Case("list limit zero", "GET", "/v1/buckets?limit=0", admin(), null, 400, "validation"));
        c.add(new Case("list limit word", "GET", "/v1/buckets?limit=ten", admin(), null, 400, "validation"));
        c.add(new Case("list bad cursor", "GET", "/v1/buckets?cursor=!!!", admin(), null, 400, "validation"));
        c.add(new Case(
                "bucket read without token",
                "GET",
                "/v1/buckets/bi:k",
                with(admin(), "Authorization", null),
                null,
                401,
                "unauthorized"));
        c.add(new Case("absent bucket", "GET", "/v1/buckets/bi:absent", admin(), null, 404, "not_found"));
        c.add(new Case("absent rule", "GET", "/v1/rules/absent", admin(), null, 404, "not_found"));
        c.add(new Case("delete absent rule", "DELETE", "/v1/rules/absent", admin(), null, 404, "not_found"));
        c.add(new Case(
                "agents without token",
                "GET",
                "/v1/agents",
                with(admin(), "Authorization", null),
                null,
                401,
                "unauthorized"));
        c.add(new Case("unknown path", "GET", "/v1/nothing", admin(), null, 404, "not_found"));
        c.add(new Case("wrong method", "PATCH", rules, admin(), rule(""), 405, "method_not_allowed"));
        return c;
    }

    static String chunked(String content) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < content.length(); i += 8192) {
            String part = content.substring(i, Math.min(content.length(), i + 8192));
            sb.append(Integer.toHexString(part.length()))
                    .append("\r\n")
                    .append(part)
                    .append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/buckets/bi:k/acquire", "/v1/rules/bi"})
    void shouldCloseTheConnectionAfterRefusingADeclaredBodyOverTheLimit(String path) throws IOException {
        // Given a keep-alive connection whose request declares 100 MB and has sent none of it yet
        URI uri = URI.create(api.base());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            String head = (path.startsWith("/v1/rules") ? "PUT" : "POST") + " " + path + " HTTP/1.1\r\n"
                    + "Host: " + uri.getHost() + "\r\n"
                    + "Authorization: Bearer " + token + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();

            // When the server answers, Then it closes the connection: the rest of the body is never read
            byte[] all = socket.getInputStream().readAllBytes(); // ends only at the server's close (or times out)
            String answer = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
            assertThat(answer).contains("\"error\":\"too_large\"");
        }
    }

    @Test
    void shouldReadWholeBodiesDeclaredSmallDeclaredLargeOrChunked() {
        // BodyBuffers: a body declaring up to 1 KiB is read into a buffer of its length, a larger or chunked one into
        // a growing buffer; each is read whole (the padding is JSON whitespace, the closing brace comes last)
        String small = "{\"tokens\":1}";
        String large = "{\"tokens\":1" + " ".repeat(5_000) + "}";
        String atThreshold = "{\"tokens\":1" + " ".repeat(1024 - small.length()) + "}";
        List<String> answers = new ArrayList<>();
        for (Map.Entry<Map<String, String>, String> sent : List.of(
                Map.entry(json(), small),
                Map.entry(json(), atThreshold),
                Map.entry(json(), large),
                Map.entry(with(json(), "Transfer-Encoding", "chunked"), chunked(small)),
                Map.entry(with(json(), "Transfer-Encoding", "chunked"), chunked(large)))) {
            Api.Response r = api.raw(
                    "POST",
                    "/v1/buckets/bi:body/acquire",
                    sent.getKey(),
                    sent.getValue().getBytes(StandardCharsets.UTF_8));
            answers.add(r.status() + " " + r.json().path("granted").asText() + " "
                    + r.json().path("tokens").asText());
        }

        assertThat(atThreshold).hasSize(1024);
        assertThat(answers).containsOnly("200 true 1").hasSize(5);
    }

    @Test
    void shouldAnswerEveryMalformedRequestWithItsDocumented4xxAndChangeNothing() {
        // Given the state before
        Map<String, String> before = state();
        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(50);

        // When every malformed request is sent
        List<String> failures = new ArrayList<>();
        for (Case c : cases) {
            Api.Response r = api.raw(c.method(), c.path(), c.headers(), c.bytes());
            String error = null;
            try {
                JsonNode body = r.json();
                error = body.path("error").asText(null);
                if (!body.path("message").isTextual()) {
                    failures.add(c.name() + ": no message in " + r.body());
                }
            } catch (RuntimeException e) {
                failures.add(c.name() + ": body is not JSON: " + r.body());
            }
            if (r.status() >= 500) {
                failures.add(c.name() + ": got a 5xx: " + r);
            } else if (r.status() != c.status() || !c.error().equals(error)) {
                failures.add(c.name() + ": expected " + c.status() + " " + c.error() + ", got " + r);
            }
        }

        // Then each got its 4xx, and nothing changed
        assertThat(failures).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    /** Everything a malformed request could have changed. */
    private static Map<String, String> state() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("rules", api.get("/v1/rules").body());
        JsonNode bucket = api.get("/v1/buckets/bi:k").json();
        s.put(
                "bucket",
                bucket.get("tokens").asText() + "/" + bucket.get("capacity").asText() + "/" + bucket.get("override"));
        s.put(
                "buckets",
                api.get("/v1/buckets?prefix=bi:&limit=1000")
                        .json()
                        .get("buckets")
                        .findValuesAsText("key")
                        .toString());
        JsonNode agent = null;
        for (JsonNode a : api.get("/v1/agents").json().get("agents")) {
            if (a.get("serverId").asText().equals("bi-agent")) {
                agent = a;
            }
        }
        s.put("agent", agent == null ? "none" : agent.get("lastReportAt").asText() + "/" + agent.get("reports"));
        s.put(
                "agents",
                api.get("/v1/agents")
                        .json()
                        .get("agents")
                        .findValuesAsText("serverId")
                        .toString());
        return s;
    }
}
