package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.OpenApiContract;
import dev.tokenplane.bms.support.SharedBms;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the OpenAPI document, called on a running BMS: the status it answers is documented for that
 * operation, and the JSON body (success and error alike) validates against the schema the document gives that status.
 * {@link OpenApiRoutesTest} checks that the document and the router list the same operations; this checks what they
 * answer.
 */
class OpenApiBodiesTest {

    private static final String RULE = "oa-rule";
    private static final String POOL = "oa-pool";
    private static final String KEY = "oa:one";
    private static final String REPORTING = "oa-agent-1";

    private static Api api;
    private static final OpenApiContract CONTRACT = new OpenApiContract();
    /** "METHOD /template status" of every answer checked. */
    private static final Set<String> CHECKED = new TreeSet<>();

    private static final List<String> PROBLEMS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        api = SharedBms.get().api;
    }

    @Test
    void shouldAnswerEveryOperationWithTheBodiesItsDocumentDescribes() {
        // Rules
        Map<String, Object> rule =
                Map.of("match", "oa:*", "capacity", 10, "refillPerSecond", 5, "transfer", Map.of("pool", POOL));
        check("PUT", "/v1/rules/{ruleId}", api.put("/v1/rules/" + RULE, rule));
        check("PUT", "/v1/rules/{ruleId}", api.put("/v1/rules/" + RULE, rule));
        check("PUT", "/v1/rules/{ruleId}", api.put("/v1/rules/oa-bad", Map.of("match", "oa-bad:*")));
        check("PUT", "/v1/rules/{ruleId}", api.send("PUT", "/v1/rules/oa-bad", "not json", true));
        check(
                "PUT",
                "/v1/rules/{ruleId}",
                api.send(
                        "PUT",
                        "/v1/rules/oa-bad",
                        Map.of("match", "x:*", "capacity", 1, "refillPerSecond", 1),
                        true,
                        "If-Match",
                        "\"999999\""));
        check("PUT", "/v1/rules/{ruleId}", api.send("PUT", "/v1/rules/oa-bad", rule, false));
        Map<String, Object> perPeriod =
                Map.of("match", "oa-refill:*", "capacity", 5, "refill", Map.of("tokens", 5, "period", "1m"));
        check("PUT", "/v1/rules/{ruleId}", api.put("/v1/rules/oa-refill", perPeriod));
        check("GET", "/v1/rules", api.get("/v1/rules"));
        check("DELETE", "/v1/rules/{ruleId}", api.delete("/v1/rules/oa-refill"));
        check("GET", "/v1/rules", api.getAnonymous("/v1/rules"));
        check("GET", "/v1/rules/{ruleId}", api.get("/v1/rules/" + RULE));
        check("GET", "/v1/rules/{ruleId}", api.get("/v1/rules/oa-missing"));
        check(
                "PUT",
                "/v1/rules",
                api.put(
                        "/v1/rules?dryRun=true",
                        Map.of(
                                "rules",
                                List.of(Map.of("id", RULE, "match", "oa:*", "capacity", 10, "refillPerSecond", 5)))));
        check("PUT", "/v1/rules", api.put("/v1/rules?dryRun=true", Map.of("rules", "none")));

        // Decisions
        check("POST", "/v1/buckets/{key}/acquire", api.post("/v1/buckets/" + KEY + "/acquire", Map.of("tokens", 1)));
        check("POST", "/v1/buckets/{key}/acquire", api.post("/v1/buckets/" + KEY + "/acquire", Map.of("tokens", 50)));
        check("POST", "/v1/buckets/{key}/acquire", api.post("/v1/buckets/" + KEY + "/acquire", Map.of("tokens", -1)));
        check("POST", "/v1/buckets/{key}/acquire", api.post("/v1/buckets/nomatch:x/acquire", Map.of()));
        check("POST", "/v1/buckets/{key}/acquire", api.send("POST", "/v1/buckets/" + KEY + "/acquire", "{}", false));
        check(
                "POST",
                "/v1/buckets/{key}/acquire",
                api.send("POST", "/v1/buckets/" + KEY + "/acquire", "x", true, "Content-Type", "text/plain"));
        check(
                "POST",
                "/v1/acquire",
                api.post(
                        "/v1/acquire",
                        Map.of(
                                "requests",
                                List.of(
                                        Map.of("key", KEY),
                                        Map.of("key", "nomatch:y"),
                                        Map.of("key", KEY, "tokens", -3)))));
        check(
                "POST",
                "/v1/acquire",
                api.post(
                        "/v1/acquire",
                        Map.of("requests", List.of(Map.of("key", KEY), Map.of("key", "oa:two")), "atomic", true)));
        check("POST", "/v1/acquire", api.post("/v1/acquire", Map.of("requests", 3)));
        Api.Response lease = api.post("/v1/buckets/" + KEY + "/lease", Map.of("tokens", 1, "ttlMs", 60_000));
        check("POST", "/v1/buckets/{key}/lease", lease);
        check("POST", "/v1/buckets/{key}/lease", api.post("/v1/buckets/" + KEY + "/lease", Map.of("ttlMs", -5)));
        check(
                "POST",
                "/v1/buckets/{key}/release",
                api.post(
                        "/v1/buckets/" + KEY + "/release",
                        Map.of("leaseId", lease.json().path("leaseId").asText(), "tokens", 1)));
        check(
                "POST",
                "/v1/buckets/{key}/release",
                api.post("/v1/buckets/" + KEY + "/release", Map.of("leaseId", "AAAAAAAAAAAAAAAAAAAAAA", "tokens", 1)));
        check("POST", "/v1/buckets/{key}/release", api.post("/v1/buckets/" + KEY + "/release", Map.of()));

        // Buckets and overrides
        check("GET", "/v1/buckets", api.get("/v1/buckets?prefix=oa:&limit=1"));
        check("GET", "/v1/buckets", api.get("/v1/buckets?limit=-1"));
        check("GET", "/v1/buckets/{key}", api.get("/v1/buckets/" + KEY));
        check("GET", "/v1/buckets/{key}", api.get("/v1/buckets/nomatch:z"));
        Map<String, Object> override = Map.of("capacity", 20, "refillPerSecond", 2, "ttlSeconds", 600);
        check("PUT", "/v1/buckets/{key}/override", api.put("/v1/buckets/" + KEY + "/override", override));
        check("PUT", "/v1/buckets/{key}/override", api.put("/v1/buckets/" + KEY + "/override", override));
        check("PUT", "/v1/buckets/{key}/override", api.put("/v1/buckets/" + KEY + "/override", Map.of("capacity", -1)));
        check("GET", "/v1/overrides", api.get("/v1/overrides?prefix=oa:"));
        check("GET", "/v1/overrides", api.get("/v1/overrides?active=maybe"));
        check("DELETE", "/v1/buckets/{key}/override", api.delete("/v1/buckets/" + KEY + "/override"));
        check("DELETE", "/v1/buckets/{key}/override", api.delete("/v1/buckets/" + KEY + "/override"));

        // Pools
        check("GET", "/v1/pools/{pool}", api.get("/v1/pools/" + POOL));
        check("GET", "/v1/pools/{pool}", api.get("/v1/pools/oa-no-pool"));
        Map<String, Object> settings = Map.of("canBorrow", true, "canLend", true, "weight", 2);
        check("PUT", "/v1/pools/{pool}/settings", api.put("/v1/pools/" + POOL + "/settings", settings));
        check("PUT", "/v1/pools/{pool}/settings", api.put("/v1/pools/" + POOL + "/settings", settings));
        check("PUT", "/v1/pools/{pool}/settings", api.put("/v1/pools/" + POOL + "/settings", Map.of("weight", -1)));
        check("DELETE", "/v1/pools/{pool}/settings", api.delete("/v1/pools/" + POOL + "/settings"));
        check("DELETE", "/v1/pools/{pool}/settings", api.delete("/v1/pools/" + POOL + "/settings"));

        // Agents
        check(
                "POST",
                "/v1/agents/{serverId}/reports",
                api.send(
                        "POST",
                        "/v1/agents/" + REPORTING + "/reports",
                        AgentsApiTest.report(0.3),
                        false,
                        "Authorization",
                        "Bearer " + SharedBms.AGENT_TOKEN));
        check(
                "POST",
                "/v1/agents/{serverId}/reports",
                api.post("/v1/agents/" + REPORTING + "/reports", Map.of("cpu", "high")));
        check("GET", "/v1/agents", api.get("/v1/agents?limit=1"));
        check("GET", "/v1/agents", api.get("/v1/agents?limit=x"));

        // Operations and the rest
        check("GET", "/v1/audit", api.get("/v1/audit?limit=2"));
        check("GET", "/v1/audit", api.get("/v1/audit?since=yesterday"));
        check("GET", "/v1/stats", api.get("/v1/stats"));
        check("GET", "/v1/stats", api.get("/v1/stats?seconds=-1"));
        check("GET", "/v1/whoami", api.get("/v1/whoami"));
        check("GET", "/v1/whoami", api.getAnonymous("/v1/whoami"));
        check("GET", "/health/live", api.getAnonymous("/health/live"));
        check("GET", "/health/ready", api.getAnonymous("/health/ready"));
        check("GET", "/openapi.json", api.getAnonymous("/openapi.json"));
        check("GET", "/metrics", api.getAnonymous("/metrics"));

        check("DELETE", "/v1/rules/{ruleId}", api.delete("/v1/rules/" + RULE));
        check("DELETE", "/v1/rules/{ruleId}", api.delete("/v1/rules/" + RULE));

        assertThat(PROBLEMS)
                .as("answers that do not match the OpenAPI document")
                .isEmpty();
        assertThat(CHECKED)
                .as("every documented operation was answered with a 2xx")
                .containsAll(operations());
    }

    /** "METHOD /template 2xx" for each operation of the document, as {@link #check} records a success. */
    private static Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        JsonNode paths = CONTRACT.document().path("paths");
        for (Iterator<String> p = paths.fieldNames(); p.hasNext(); ) {
            String path = p.next();
            for (Iterator<String> m = paths.get(path).fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (Set.of("get", "put", "post", "delete").contains(method)) {
                    operations.add(method.toUpperCase(Locale.ROOT) + " " + path + " 2xx");
                }
            }
        }
        return operations;
    }

    private static void check(String method, String pathTemplate, Api.Response r) {
        String operation = method + " " + pathTemplate;
        CHECKED.add(operation + " " + r.status());
        if (r.status() / 100 == 2) {
            CHECKED.add(operation + " 2xx");
        }
        var documented = CONTRACT.response(method, pathTemplate, r.status());
        if (documented.isEmpty()) {
            PROBLEMS.add(operation + " answered " + r.status() + ", which it does not document: " + r.body());
            return;
        }
        var schema = CONTRACT.jsonSchemaName(documented.get());
        if (schema.isEmpty()) {
            String type = r.header("content-type");
            if (type != null && type.startsWith("application/json")) {
                PROBLEMS.add(
                        operation + " " + r.status() + " has a JSON body the document does not describe: " + r.body());
            }
            return;
        }
        List<String> violations;
        try {
            violations = CONTRACT.violations(schema.get(), r.json());
        } catch (RuntimeException notJson) {
            PROBLEMS.add(operation + " " + r.status() + " should be JSON (" + schema.get() + "): " + r.body());
            return;
        }
        if (!violations.isEmpty()) {
            PROBLEMS.add(operation + " " + r.status() + " as " + schema.get() + ": " + violations + " in "
                    + abbreviate(r.body()));
        }
    }

    private static String abbreviate(String body) {
        return body.length() > 400 ? body.substring(0, 400) + "..." : body;
    }
}
