package dev.tokenplane.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenplane.bms.BmsNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every command of the CLI against a real BMS member, through picocli exactly as {@code ./tokenplane} runs it. */
class CliTest {
    private static BmsNode node;
    private static Path tokenFile;
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
        JsonNode json() throws Exception {
            return BmsClient.JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        node = TestBms.start(60_000);
        tokenFile = TestBms.tokenFile(node);
    }

    @AfterAll
    static void stop() {
        node.stop();
    }

    @BeforeEach
    void baseRules() throws Exception {
        env.put("TOKENPLANE_URL", node.url());
        env.put("TOKENPLANE_TOKEN_FILE", tokenFile.toString());
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, """
                rules:
                  - id: cli-base
                    match: "clibase:*"
                    capacity: 2
                    refillPerSecond: 0.01
                  - id: cli-pool
                    match: "clipool:*"
                    capacity: 100
                    refillPerSecond: 10
                    transfer: {pool: cli-pool, canBorrow: true, canLend: true}
                """);
        assertThat(run("rules", "apply", "-f", base.toString(), "--prune").code())
                .isZero();
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Tokenplane.commandLine(env::get);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void shouldDiffThenApplyADirectoryAndPruneOnlyWhenAsked() throws Exception {
        Path rules = Files.createDirectory(dir.resolve("rules"));
        Files.writeString(rules.resolve("a.yaml"), """
                rules:
                  - {id: cli-base, match: "clibase:*", capacity: 5, refillPerSecond: 0.01}
                  - {id: cli-pool, match: "clipool:*", capacity: 100, refillPerSecond: 10,
                     transfer: {pool: cli-pool, canBorrow: true, canLend: true}}
                """);
        Files.writeString(
                rules.resolve("b.json"),
                "{\"rules\": [{\"id\": \"cli-new\", \"match\": \"clinew:*\", "
                        + "\"capacity\": 3, \"refill\": {\"tokens\": 60, \"period\": \"PT1M\"}}]}");
        Files.writeString(rules.resolve("notes.txt"), "not a rules file");
        Path extra = dir.resolve("extra.yaml");
        Files.writeString(extra, "rules: [{id: cli-extra, match: \"extra:*\", capacity: 1, refillPerSecond: 1}]");
        assertThat(run("rules", "apply", "-f", extra.toString()).code()).isZero();

        Result diff = run("rules", "diff", "-f", rules.toString());
        assertThat(diff.code()).isZero();
        assertThat(diff.out()).contains("+ cli-new", "~ cli-base", "capacity: 2 -> 5", "dry run: nothing written");
        assertThat(run("rules", "get", "cli-new").code()).isEqualTo(ApiError.NOT_FOUND);

        Result dry = run("rules", "apply", "-f", rules.toString(), "--dry-run", "-o", "json");
        assertThat(dry.json().get("added").get(0).asText()).isEqualTo("cli-new");
        assertThat(run("rules", "get", "cli-new").code()).isEqualTo(ApiError.NOT_FOUND);

        Result applied = run("rules", "apply", "-f", rules.toString());
        assertThat(applied.out()).contains("applied");
        assertThat(run("rules", "get", "cli-base", "-o", "json")
                        .json()
                        .get("capacity")
                        .asLong())
                .isEqualTo(5);
        JsonNode perMinute = run("rules", "get", "cli-new", "-o", "json").json();
        assertThat(perMinute.get("refillPerSecond").asDouble()).isEqualTo(1.0);
        assertThat(perMinute.get("refill").get("period").asText()).isEqualTo("PT1M");
        Result list = run("rules", "list");
        assertThat(list.out()).contains("ID", "MATCH", "cli-new", "clinew:*", "cli-extra"); // kept: no --prune
        assertThat(run("rules", "diff", "-f", rules.toString()).out()).contains("- cli-extra   (not in the set");
        assertThat(run("rules", "diff", "-f", rules.toString(), "--prune").out())
                .contains("- cli-extra\n");

        run("rules", "apply", "-f", rules.toString(), "--prune");
        assertThat(run("rules", "list", "-o", "json").json().get("rules").findValuesAsText("id"))
                .containsExactly("cli-base", "cli-new", "cli-pool");
        assertThat(run("rules", "delete", "cli-new").out()).contains("deleted rule cli-new");
        assertThat(run("rules", "delete", "cli-new").code()).isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void shouldExitWithTheApiErrorOfABadRuleSetAndWriteNothing() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                rules:
                  - {id: cli-ok, match: "ok:*", capacity: 5, refillPerSecond: 1}
                  - {id: cli-bad, match: "bad:*", capacity: 0, refillPerSecond: 1}
                """);

        Result r = run("rules", "apply", "-f", bad.toString());

        assertThat(r.code()).isEqualTo(ApiError.INVALID);
        assertThat(r.err()).contains("tokenplane: validation: rules[1] (cli-bad): capacity must be");
        assertThat(run("rules", "get", "cli-ok").code()).isEqualTo(ApiError.NOT_FOUND);
        assertThat(run("rules", "apply", "-f", dir.resolve("missing").toString())
                        .err())
                .contains("no such file");
    }

    @Test
    void shouldPinABucketForTenMinutesListAndClearIt() throws Exception {
        Result set = run("overrides", "set", "clibase:pinned", "--capacity", "42", "--refill", "2", "--for", "10m");
        assertThat(set.code()).isZero();
        assertThat(set.out()).contains("pinned clibase:pinned at capacity 42", "until ");

        JsonNode listed = run("overrides", "list", "--prefix", "clibase:", "-o", "json")
                .json()
                .get("overrides");
        assertThat(listed).hasSize(1);
        long expiresIn = listed.get(0).get("expiresAt").asLong() - System.currentTimeMillis();
        assertThat(expiresIn).isBetween(590_000L, 600_000L);
        assertThat(run("overrides", "list", "--prefix", "clibase:").out()).contains("clibase:pinned", "42");

        // The bucket shows the pin once it exists
        post("/v1/buckets/clibase:pinned/acquire");
        assertThat(run("buckets", "get", "clibase:pinned").out()).contains("clibase:pinned", "42", "until ");

        assertThat(run("overrides", "clear", "clibase:pinned").code()).isZero();
        assertThat(run("overrides", "list", "--prefix", "clibase:", "-o", "json")
                        .json()
                        .get("overrides"))
                .isEmpty();
        assertThat(run("overrides", "set", "k", "--capacity", "1", "--refill", "1", "--for", "soon")
                        .code())
                .isEqualTo(ApiError.INVALID);
    }

    @Test
    void shouldReadBucketsOneByOnePageByPageAndWatched() throws Exception {
        for (int i = 0; i < 3; i++) {
            post("/v1/buckets/clibase:list" + i + "/acquire");
        }

        Result page = run("buckets", "list", "--prefix", "clibase:list", "--limit", "2");
        assertThat(page.out())
                .contains("clibase:list0", "clibase:list1", "more: --cursor")
                .doesNotContain("list2");
        String cursor =
                page.out().substring(page.out().indexOf("--cursor ") + 9).trim();
        assertThat(run("buckets", "list", "--prefix", "clibase:list", "--cursor", cursor)
                        .out())
                .contains("clibase:list2");

        JsonNode one = run("buckets", "get", "clibase:list0", "-o", "json").json();
        assertThat(one.get("capacity").asLong()).isEqualTo(2);
        assertThat(one.get("tokens").asLong()).isEqualTo(1);
        assertThat(run("buckets", "get", "clibase:list0", "-o", "yaml").out())
                .contains("key: clibase:list0", "capacity: 2");

        Result watched = run("buckets", "watch", "clibase:list0", "--interval", "1s", "--count", "2");
        assertThat(watched.code()).isZero();
        assertThat(watched.out().split("Ctrl-C to stop")).hasSize(3);
        assertThat(run("buckets", "get", "clibase:none").code()).isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void shouldShowPoolsAndChangeTheirSettings() throws Exception {
        post("/v1/buckets/clipool:a/acquire");

        // The pool learns its members at its next tick
        long deadline = System.nanoTime() + 20_000_000_000L;
        Result pool = run("pools", "get", "cli-pool");
        while (!pool.out().contains("clipool:a") && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            pool = run("pools", "get", "cli-pool");
        }
        assertThat(pool.out()).contains("BREAKER", "closed", "clipool:a");

        assertThat(run("pools", "settings", "cli-pool", "--weight", "2.5", "-o", "json")
                        .json()
                        .get("weight")
                        .asDouble())
                .isEqualTo(2.5);
        assertThat(run("pools", "settings", "cli-pool").out()).contains("weight", "2.5");
        assertThat(run("pools", "settings", "cli-pool", "--clear").code()).isZero();
        assertThat(run("pools", "settings", "cli-pool").out()).contains("no run-time settings");
        assertThat(run("pools", "get", "no-such-pool").code()).isEqualTo(ApiError.NOT_FOUND);
    }

    @Test
    void shouldShowStatusAgentsAndStats() throws Exception {
        send(
                "POST",
                "/v1/agents/cli-server-1/reports",
                "{\"region\": \"eu\", \"pool\": \"cli-pool\", "
                        + "\"cpu\": 0.25, \"memory\": 0.5, \"diskBusy\": 0.87}");
        for (int i = 0; i < 5; i++) {
            post("/v1/buckets/clibase:denied/acquire"); // capacity 2: 2 granted, 3 denied
        }

        Result agents = run("agents", "list");
        assertThat(agents.out()).contains("cli-server-1", "eu", "fresh", "25%", "50%", "DISK BUSY", "87%");

        JsonNode status = run("status", "-o", "json").json();
        assertThat(status.get("status").asText()).isEqualTo("ready");
        assertThat(status.get("members").asInt()).isEqualTo(1);
        assertThat(status.get("buckets").asLong()).isPositive();
        assertThat(status.get("agents").get("fresh").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(status.get("pools").findValuesAsText("pool")).contains("cli-pool");
        assertThat(run("status").out()).contains("ready", "cli-pool", "closed");

        Result stats = run("stats", "--rule", "cli-base");
        assertThat(stats.out()).contains("cli-base", "clibase:denied");
        JsonNode s = run("stats", "--rule", "cli-base", "-o", "json").json();
        assertThat(s.get("topDeniedKeys").get(0).get("key").asText()).isEqualTo("clibase:denied");
        assertThat(s.get("topDeniedKeys").get(0).get("denials").asLong()).isEqualTo(3);
    }

    @Test
    void shouldFailClearlyWithoutATokenOrABms() {
        env.remove("TOKENPLANE_TOKEN_FILE");
        Result anonymous = run("rules", "list");
        assertThat(anonymous.code()).isEqualTo(ApiError.UNAUTHORIZED);
        assertThat(anonymous.err()).startsWith("tokenplane: unauthorized: ");

        Result flags = run("rules", "list", "--token-file", tokenFile.toString(), "--url", node.url());
        assertThat(flags.code()).isZero();
        assertThat(run("rules", "list", "--token-file", dir.resolve("none").toString())
                        .err())
                .contains("cannot read the token file");

        env.put("TOKENPLANE_URL", "http://127.0.0.1:1");
        Result down = run("status", "--token-file", tokenFile.toString());
        assertThat(down.code()).isEqualTo(ApiError.UNAVAILABLE);
        assertThat(down.err()).contains("unreachable", "cannot reach the BMS");
        assertThat(run("rules", "list", "--token", "secret").code()).isEqualTo(2); // no such option, on purpose
    }

    @Test
    void shouldReadButNotWriteWithTheReadOnlyToken() throws Exception {
        env.put("TOKENPLANE_TOKEN_FILE", TestBms.tokenFile(TestBms.READ_TOKEN).toString());

        assertThat(run("status", "-o", "json").json().get("credential").asText())
                .isEqualTo("read");
        assertThat(run("rules", "list").out()).contains("cli-base");
        Result write = run("overrides", "set", "clibase:ro", "--capacity", "1", "--refill", "1");
        assertThat(write.code()).isEqualTo(ApiError.UNAUTHORIZED);
        assertThat(write.err()).startsWith("tokenplane: forbidden: ");
    }

    @Test
    void shouldGenerateShellCompletion() {
        Result r = run("completion");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("complete -F", "tokenplane", "overrides", "buckets");
    }

    private static void post(String path) throws Exception {
        send("POST", path, null);
    }

    private static void send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url() + path))
                .header("Authorization", "Bearer " + node.adminToken());
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding());
    }
}
