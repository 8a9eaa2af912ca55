package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenplane rules list|get|apply|diff|delete}. */
@Command(
        name = "rules",
        description = "List, read, diff, apply and delete rules.",
        subcommands = {
            RulesCommand.ListRules.class,
            RulesCommand.Get.class,
            RulesCommand.Apply.class,
            RulesCommand.Diff.class,
            RulesCommand.Delete.class
        })
final class RulesCommand {

    @Command(name = "list", description = "All rules.")
    static final class ListRules extends ApiCommand {
        @Override
        int run(BmsClient bms, Output out) {
            JsonNode data = bms.get("/v1/rules");
            out.print(data, o -> {
                Output.Table t = o.table(
                        "ID", "MATCH", "CAPACITY", "REFILL/S", "MIN..MAX", "ALGORITHM", "SHADOW", "POOL", "VERSION");
                for (JsonNode r : data.get("rules")) {
                    t.row(
                            r.get("id").asText(),
                            r.get("match").asText(),
                            r.get("capacity").asLong(),
                            r.get("refillPerSecond").asDouble(),
                            r.get("minCapacity").asLong() + ".."
                                    + r.get("maxCapacity").asLong(),
                            r.get("algorithm").asText(),
                            r.path("shadow").asBoolean(),
                            Output.text(r.path("transfer"), "pool"),
                            r.get("version").asLong());
                }
                t.print();
            });
            return 0;
        }
    }

    @Command(name = "get", description = "One rule.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "RULE_ID")
        String id;

        @Override
        int run(BmsClient bms, Output out) {
            JsonNode rule = bms.get("/v1/rules/" + BmsClient.segment(id));
            out.print(rule, o -> Fields.print(o, rule));
            return 0;
        }
    }

    /** What {@code apply} and {@code diff} share: the rule files and the prune flag. */
    abstract static class SetCommand extends ApiCommand {
        @Option(
                names = {"-f", "--file"},
                required = true,
                paramLabel = "FILE_OR_DIR",
                description = "A rules file (YAML or JSON, 'rules:' list) or a directory of them")
        Path path;

        @Option(names = "--prune", description = "Delete rules that are not in the set")
        boolean prune;

        JsonNode send(BmsClient bms, boolean dryRun) throws Exception {
            return bms.put("/v1/rules?dryRun=" + dryRun + "&prune=" + prune, RuleFiles.read(path));
        }
    }

    @Command(name = "apply", description = "Make the cluster's rules those of the files: all or nothing.")
    static final class Apply extends SetCommand {
        @Option(names = "--dry-run", description = "Show the diff only; write nothing")
        boolean dryRun;

        @Override
        int run(BmsClient bms, Output out) throws Exception {
            JsonNode result = send(bms, dryRun);
            out.print(result, o -> printDiff(o, result));
            return 0;
        }
    }

    @Command(name = "diff", description = "What 'apply' would change (nothing is written).")
    static final class Diff extends SetCommand {
        @Override
        int run(BmsClient bms, Output out) throws Exception {
            JsonNode result = send(bms, true);
            out.print(result, o -> printDiff(o, result));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete one rule.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "RULE_ID")
        String id;

        @Option(names = "--if-match", paramLabel = "VERSION", description = "Only if the rule is at this version")
        String ifMatch;

        @Override
        int run(BmsClient bms, Output out) {
            bms.delete("/v1/rules/" + BmsClient.segment(id), ifMatch);
            out.print(
                    BmsClient.JSON.createObjectNode().put("deleted", id),
                    o -> o.writer().println("deleted rule " + id));
            return 0;
        }
    }

    /** {@code + added}, {@code ~ changed field: from -> to}, {@code - removed}, then the count unchanged. */
    static void printDiff(Output o, JsonNode r) {
        var w = o.writer();
        r.get("added").forEach(id -> w.println("+ " + id.asText()));
        r.get("changed").forEach(id -> {
            w.println("~ " + id.asText());
            r.path("changes")
                    .path(id.asText())
                    .fields()
                    .forEachRemaining(f -> w.println("    " + f.getKey() + ": "
                            + f.getValue().get("from") + " -> " + f.getValue().get("to")));
        });
        boolean prune = r.get("prune").asBoolean();
        r.get("removed")
                .forEach(id ->
                        w.println("- " + id.asText() + (prune ? "" : "   (not in the set; kept, --prune deletes it)")));
        w.println("= " + r.get("unchanged").size() + " unchanged");
        w.println(
                r.get("dryRun").asBoolean()
                        ? "dry run: nothing written"
                        : r.get("applied").asBoolean() ? "applied" : "nothing to apply");
    }
}
