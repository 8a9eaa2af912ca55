package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenplane stats}: decisions per rule and who is denied most. */
@Command(
        name = "stats",
        description = "Decisions per rule over the last seconds and the most denied keys, " + "across all members.")
final class StatsCommand extends ApiCommand {
    @Option(names = "--rule", paramLabel = "R", description = "Only this rule")
    String rule;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "60", description = "The window, 1..300")
    int seconds;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "How many denied keys")
    int top;

    @Override
    int run(BmsClient bms, Output out) {
        JsonNode s = bms.get("/v1/stats?seconds=" + seconds + "&top=" + top
                + (rule == null ? "" : "&rule=" + BmsClient.segment(rule)));
        out.print(s, o -> {
            o.writer()
                    .println("last " + s.get("windowSeconds").asInt() + " s, "
                            + s.get("membersAnswered").asInt() + " of "
                            + s.get("members").asInt() + " members answered");
            Output.Table t = o.table("RULE", "GRANTED", "DENIED", "SHADOW-DENIED", "DENIED %");
            for (JsonNode r : s.get("rules")) {
                long g = r.get("granted").asLong();
                long d = r.get("denied").asLong() + r.get("shadowDenied").asLong();
                t.row(
                        r.get("ruleId").asText(),
                        g,
                        r.get("denied").asLong(),
                        r.get("shadowDenied").asLong(),
                        g + d == 0 ? "-" : String.format("%.1f", 100.0 * d / (g + d)));
            }
            t.print();
            o.writer().println();
            Output.Table k = o.table("TOP DENIED KEY", "RULE", "DENIALS", "AT LEAST");
            for (JsonNode d : s.get("topDeniedKeys")) {
                k.row(
                        d.get("key").asText(),
                        Output.text(d, "ruleId"),
                        d.get("denials").asLong(),
                        d.get("lowerBound").asLong());
            }
            k.print();
        });
        return 0;
    }
}
