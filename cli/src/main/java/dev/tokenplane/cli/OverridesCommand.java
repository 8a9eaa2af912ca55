package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenplane overrides set|list|clear}: pin buckets. */
@Command(
        name = "overrides",
        description = "Pin a bucket's capacity and refill, list and clear pins.",
        subcommands = {OverridesCommand.Set.class, OverridesCommand.ListOverrides.class, OverridesCommand.Clear.class})
final class OverridesCommand {

    @Command(name = "set", description = "Pin one bucket (the sizing loop leaves it alone while the pin holds).")
    static final class Set extends ApiCommand {
        @Parameters(paramLabel = "KEY")
        String key;

        @Option(names = "--capacity", required = true, paramLabel = "N")
        long capacity;

        @Option(names = "--refill", required = true, paramLabel = "R", description = "Tokens per second")
        double refill;

        @Option(
                names = "--for",
                paramLabel = "DURATION",
                description = "How long, e.g. 10m, 2h (default: until " + "cleared)")
        String duration;

        @Override
        int run(BmsClient bms, Output out) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("capacity", capacity);
            body.put("refillPerSecond", refill);
            if (duration != null) {
                body.put("ttlSeconds", Math.max(1, Durations.parse(duration).toSeconds()));
            }
            JsonNode stored = bms.put("/v1/buckets/" + BmsClient.segment(key) + "/override", body);
            out.print(
                    stored,
                    o -> o.writer()
                            .println("pinned " + key + " at capacity " + capacity + ", refill " + refill + "/s "
                                    + expiry(stored, System.currentTimeMillis())));
            return 0;
        }
    }

    @Command(name = "list", description = "Stored overrides in key order (expired ones too, unless --active).")
    static final class ListOverrides extends ApiCommand {
        @Option(names = "--prefix", paramLabel = "P", defaultValue = "")
        String prefix;

        @Option(names = "--active", description = "Only overrides that hold now")
        boolean active;

        @Override
        int run(BmsClient bms, Output out) {
            ArrayNode all = BmsClient.JSON.createArrayNode();
            String cursor = "";
            do {
                JsonNode page = bms.get("/v1/overrides?limit=1000&active=" + active + "&prefix="
                        + BmsClient.segment(prefix) + "&cursor=" + cursor);
                all.addAll((ArrayNode) page.get("overrides"));
                cursor = Output.text(page, "nextCursor");
            } while (cursor != null);
            ObjectNode data = BmsClient.JSON.createObjectNode().set("overrides", all);
            long now = System.currentTimeMillis();
            out.print(data, o -> {
                Output.Table t = o.table("KEY", "CAPACITY", "REFILL/S", "EXPIRES", "VERSION");
                for (JsonNode ov : all) {
                    t.row(
                            ov.get("key").asText(),
                            ov.get("capacity").asLong(),
                            ov.get("refillPerSecond").asDouble(),
                            expiry(ov, now),
                            ov.get("version").asLong());
                }
                t.print();
            });
            return 0;
        }
    }

    @Command(name = "clear", description = "Remove a bucket's pin (its rule applies again).")
    static final class Clear extends ApiCommand {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        int run(BmsClient bms, Output out) {
            bms.delete("/v1/buckets/" + BmsClient.segment(key) + "/override", null);
            out.print(
                    BmsClient.JSON.createObjectNode().put("cleared", key),
                    o -> o.writer().println("cleared the override of " + key));
            return 0;
        }
    }

    static String expiry(JsonNode override, long now) {
        JsonNode at = override.get("expiresAt");
        if (at == null || at.isNull()) {
            return "never";
        }
        return (at.asLong() <= now ? "expired " : "until ") + Instant.ofEpochMilli(at.asLong());
    }
}
