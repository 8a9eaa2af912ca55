package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import picocli.CommandLine.Command;

/** {@code tokenplane agents list}. */
@Command(
        name = "agents",
        description = "The load agents and their servers.",
        subcommands = AgentsCommand.ListAgents.class)
final class AgentsCommand {

    @Command(name = "list", description = "Every agent: last report, staleness, CPU, memory, network, disk.")
    static final class ListAgents extends ApiCommand {
        @Override
        int run(BmsClient bms, Output out) {
            ArrayNode all = all(bms);
            long now = System.currentTimeMillis();
            out.print(BmsClient.JSON.createObjectNode().set("agents", all), o -> {
                Output.Table t = o.table(
                        "SERVER",
                        "REGION",
                        "POOL",
                        "LAST REPORT",
                        "STATE",
                        "CPU",
                        "MEMORY",
                        "NET RX/TX B/s",
                        "NET UTIL",
                        "DISK BUSY");
                for (JsonNode a : all) {
                    JsonNode l = a.path("latest");
                    t.row(
                            a.get("serverId").asText(),
                            Output.text(a, "region"),
                            Output.text(a, "pool"),
                            Durations.ago(a.get("lastReportAt").asLong(), now) + " ago",
                            a.get("stale").asBoolean() ? "STALE" : "fresh",
                            percent(l.get("cpu")),
                            percent(l.get("memory")),
                            PoolsCommand.round(l.get("netRxBytesPerSec")) + "/"
                                    + PoolsCommand.round(l.get("netTxBytesPerSec")),
                            percent(l.get("netUtilisation")),
                            percent(l.get("diskBusy")));
                }
                t.print();
            });
            return 0;
        }
    }

    /** Every agent, following the pages of {@code GET /v1/agents}. */
    static ArrayNode all(BmsClient bms) {
        ArrayNode all = BmsClient.JSON.createArrayNode();
        String cursor = null;
        do {
            JsonNode page =
                    bms.get("/v1/agents?limit=1000" + (cursor == null ? "" : "&cursor=" + BmsClient.segment(cursor)));
            all.addAll((ArrayNode) page.get("agents"));
            cursor = Output.text(page, "nextCursor");
        } while (cursor != null);
        return all;
    }

    static String percent(JsonNode fraction) {
        return fraction == null || fraction.isNull() ? "-" : Math.round(fraction.asDouble() * 100) + "%";
    }
}
