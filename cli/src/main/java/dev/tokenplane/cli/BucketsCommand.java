package dev.tokenplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenplane buckets get|list|watch}. */
@Command(
        name = "buckets",
        description = "Read buckets: one, a page by prefix, or one refreshed in place.",
        subcommands = {BucketsCommand.Get.class, BucketsCommand.ListBuckets.class, BucketsCommand.Watch.class})
final class BucketsCommand {

    @Command(name = "get", description = "One bucket: size, tokens, rule, override, last resizes.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "KEY")
        String key;

        @Override
        int run(BmsClient bms, Output out) {
            JsonNode b = bms.get("/v1/buckets/" + BmsClient.segment(key));
            out.print(b, o -> printBucket(o, b, 20));
            return 0;
        }
    }

    @Command(name = "list", description = "A page of buckets in key order.")
    static final class ListBuckets extends ApiCommand {
        @Option(names = "--prefix", paramLabel = "P", defaultValue = "")
        String prefix;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100")
        int limit;

        @Option(names = "--cursor", paramLabel = "C", description = "The next-page cursor a previous list printed")
        String cursor;

        @Override
        int run(BmsClient bms, Output out) {
            JsonNode page = bms.get("/v1/buckets?prefix=" + BmsClient.segment(prefix) + "&limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + BmsClient.segment(cursor)));
            out.print(page, o -> {
                Output.Table t = o.table("KEY", "RULE", "CAPACITY", "TOKENS", "REFILL/S");
                for (JsonNode b : page.get("buckets")) {
                    t.row(
                            b.get("key").asText(),
                            Output.text(b, "ruleId"),
                            b.get("capacity").asLong(),
                            b.get("tokens").asLong(),
                            b.get("refillPerSecond").asDouble());
                }
                t.print();
                String next = Output.text(page, "nextCursor");
                if (next != null) {
                    o.writer().println("more: --cursor " + next);
                }
            });
            return 0;
        }
    }

    @Command(name = "watch", description = "One bucket, refreshed in place until Ctrl-C.")
    static final class Watch extends ApiCommand {
        @Parameters(paramLabel = "KEY")
        String key;

        @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "2s")
        String interval;

        @Option(names = "--count", paramLabel = "N", description = "Stop after N refreshes (default: never)")
        long count = Long.MAX_VALUE;

        @Override
        int run(BmsClient bms, Output out) throws InterruptedException {
            long pause = Durations.parse(interval).toMillis();
            boolean inPlace = System.console() != null;
            for (long i = 0; i < count; i++) {
                if (i > 0) {
                    Thread.sleep(pause); // the refresh period of an interactive view
                }
                JsonNode b = bms.get("/v1/buckets/" + BmsClient.segment(key));
                if (inPlace) {
                    out.writer().print("\033[H\033[2J"); // home and clear: refresh in place
                }
                out.print(b, o -> {
                    o.writer().println(Instant.now() + "  (every " + interval + ", Ctrl-C to stop)");
                    printBucket(o, b, 5);
                });
            }
            return 0;
        }
    }

    /** The bucket's figures, then its last {@code resizes} resizes, newest first. */
    static void printBucket(Output o, JsonNode b, int resizes) {
        o.table("KEY", "RULE", "CAPACITY", "TOKENS", "REFILL/S", "MIN..MAX", "OVERRIDE", "POOL")
                .row(
                        b.get("key").asText(),
                        Output.text(b, "ruleId"),
                        b.get("capacity").asLong(),
                        b.get("tokens").asLong(),
                        b.get("refillPerSecond").asDouble(),
                        b.path("minCapacity").asText("-") + ".."
                                + b.path("maxCapacity").asText("-"),
                        b.path("override").isObject()
                                ? OverridesCommand.expiry(b.get("override"), System.currentTimeMillis())
                                : null,
                        Output.text(b, "pool"))
                .print();
        JsonNode history = b.path("history");
        if (history.isEmpty()) {
            o.writer().println("no resizes yet");
            return;
        }
        o.writer().println();
        Output.Table t = o.table("RESIZED AT", "CAPACITY", "REFILL/S", "REASON");
        for (int i = history.size() - 1; i >= Math.max(0, history.size() - resizes); i--) {
            JsonNode r = history.get(i);
            t.row(
                    Instant.ofEpochMilli(r.get("at").asLong()),
                    r.get("capacity").asLong(),
                    r.path("refillPerSecond").asDouble(),
                    Output.text(r, "reason"));
        }
        t.print();
    }
}
