package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenplane pools get|settings}: the transfer pools. */
@Command(
        name = "pools",
        description = "Transfer pools: breaker, lenders and borrowers, run-time settings.",
        subcommands = {PoolsCommand.Get.class, PoolsCommand.Settings.class})
final class PoolsCommand {

    @Command(name = "get", description = "A pool as the answering member sees it.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "POOL")
        String pool;

        @Override
        int run(BmsClient bms, Output out) {
            JsonNode p = bms.get("/v1/pools/" + BmsClient.segment(pool));
            out.print(p, o -> {
                o.table("POOL", "BREAKER", "COORDINATOR", "SPARE", "LENT", "BORROWED", "TRANSFERS")
                        .row(
                                p.get("pool").asText(),
                                p.get("breaker").asText(),
                                p.get("coordinator").asBoolean(),
                                round(p.get("spare")),
                                round(p.get("lent")),
                                round(p.get("borrowed")),
                                p.path("transfers").toString())
                        .print();
                o.writer().println();
                Output.Table t = o.table(
                        "MEMBER", "REGION", "WEIGHT", "BORROWS", "LENDS", "TOKENS", "SPARE", "LENT", "BORROWED");
                for (JsonNode m : p.path("members")) {
                    t.row(
                            m.get("key").asText(),
                            Output.text(m, "region"),
                            m.get("weight").asDouble(),
                            m.get("canBorrow").asBoolean(),
                            m.get("canLend").asBoolean(),
                            round(m.get("tokens")),
                            round(m.get("spare")),
                            round(m.get("lent")),
                            round(m.get("borrowed")));
                }
                t.print();
            });
            return 0;
        }
    }

    @Command(
            name = "settings",
            description = "Show, change (any of the options) or --clear a pool's run-time " + "settings.")
    static final class Settings extends ApiCommand {
        @Parameters(paramLabel = "POOL")
        String pool;

        @Option(names = "--can-borrow", paramLabel = "true|false", arity = "1")
        Boolean canBorrow;

        @Option(names = "--can-lend", paramLabel = "true|false", arity = "1")
        Boolean canLend;

        @Option(names = "--weight", paramLabel = "W")
        Double weight;

        @Option(names = "--reserve-fraction", paramLabel = "F")
        Double reserveFraction;

        @Option(names = "--clear", description = "Back to the rules' and overrides' values")
        boolean clear;

        @Override
        int run(BmsClient bms, Output out) {
            String path = "/v1/pools/" + BmsClient.segment(pool) + "/settings";
            JsonNode result;
            if (clear) {
                bms.delete(path, null);
                result = BmsClient.JSON.createObjectNode().put("cleared", pool);
            } else if (canBorrow == null && canLend == null && weight == null && reserveFraction == null) {
                result = bms.get("/v1/pools/" + BmsClient.segment(pool)).path("settings");
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("canBorrow", canBorrow);
                body.put("canLend", canLend);
                body.put("weight", weight);
                body.put("reserveFraction", reserveFraction);
                result = bms.put(path, body);
            }
            out.print(result, o -> {
                if (result.isObject() && result.size() > 0) {
                    Fields.print(o, result);
                } else {
                    o.writer().println("no run-time settings: the rules' and overrides' values apply");
                }
            });
            return 0;
        }
    }

    static String round(JsonNode n) {
        return n == null || n.isNull() ? "-" : String.format("%.1f", n.asDouble());
    }
}
