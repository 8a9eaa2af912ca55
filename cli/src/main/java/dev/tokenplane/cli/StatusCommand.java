package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.TreeSet;
import picocli.CommandLine.Command;

/**
 * {@code tokenplane status}: members and readiness, buckets, agents fresh and stale, and every pool named by a rule or
 * an override with its breaker.
 */
@Command(name = "status", description = "The cluster at a glance: members, readiness, buckets, agents, pools.")
final class StatusCommand extends ApiCommand {

    @Override
    int run(BmsClient bms, Output out) {
        ObjectNode status = BmsClient.JSON.createObjectNode();
        JsonNode ready;
        try {
            ready = bms.get("/health/ready");
        } catch (ApiError e) {
            if (e.status() != 503) {
                throw e;
            }
            ready = BmsClient.JSON.createObjectNode().put("status", "not ready");
        }
        status.put("url", bms.base());
        status.put("status", ready.path("status").asText());
        status.put("members", ready.path("members").asInt());
        status.put("buckets", buckets(bms.text("/metrics")));
        status.put("credential", bms.get("/v1/whoami").path("role").asText());
        ArrayNode agents = AgentsCommand.all(bms);
        long stale = 0;
        for (JsonNode a : agents) {
            stale += a.get("stale").asBoolean() ? 1 : 0;
        }
        status.putObject("agents").put("fresh", agents.size() - stale).put("stale", stale);
        TreeSet<String> pools = new TreeSet<>();
        bms.get("/v1/rules").get("rules").forEach(r -> {
            if (r.path("transfer").hasNonNull("pool")) {
                pools.add(r.get("transfer").get("pool").asText());
            }
        });
        ArrayNode poolStates = status.putArray("pools");
        for (String pool : pools) {
            JsonNode p = bms.get("/v1/pools/" + BmsClient.segment(pool));
            poolStates
                    .addObject()
                    .put("pool", pool)
                    .put("breaker", p.get("breaker").asText())
                    .put("members", p.path("members").size());
        }
        out.print(status, o -> {
            o.table("BMS", "CREDENTIAL", "STATUS", "MEMBERS", "BUCKETS", "AGENTS FRESH", "AGENTS STALE")
                    .row(
                            bms.base(),
                            status.get("credential").asText(),
                            status.get("status").asText(),
                            status.get("members").asInt(),
                            status.get("buckets").asLong(),
                            agents.size() - status.get("agents").get("stale").asLong(),
                            status.get("agents").get("stale").asLong())
                    .print();
            o.writer().println();
            Output.Table t = o.table("POOL", "BREAKER", "MEMBERS");
            poolStates.forEach(p -> t.row(
                    p.get("pool").asText(),
                    p.get("breaker").asText(),
                    p.get("members").asInt()));
            t.print();
        });
        return 0;
    }

    /** The {@code bms_buckets} gauge of the Prometheus text (the whole store's count), or -1. */
    static long buckets(String metrics) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("bms_buckets ") || line.startsWith("bms_buckets{")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
