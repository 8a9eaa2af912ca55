package dev.tokenplane.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code tokenplane}: the operators' command line for a BMS cluster. The connection comes from {@code --url} (or
 * {@code TOKENPLANE_URL}) and the admin token from a file, {@code --token-file} (or {@code TOKENPLANE_TOKEN_FILE}, or
 * {@code ./data/admin-token}, where {@code ./bms} keeps it): never from the command line, where other users of the
 * machine could read it.
 */
@Command(
        name = "tokenplane",
        mixinStandardHelpOptions = true,
        version = "tokenplane 0.1.0",
        description = "Operate a tokenplane BMS cluster: rules, overrides, buckets, pools, agents, statistics.",
        subcommands = {
            StatusCommand.class,
            RulesCommand.class,
            OverridesCommand.class,
            BucketsCommand.class,
            PoolsCommand.class,
            AgentsCommand.class,
            StatsCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 ok, 2 bad command line, 3 not found, 4 unauthorized, 5 conflict, "
                    + "6 invalid input, 7 BMS unreachable or failing, 1 anything else."
        })
public final class Tokenplane {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final Path DEFAULT_TOKEN_FILE = Path.of("data", "admin-token");

    @Option(
            names = "--url",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            description = "The BMS, e.g. http://bms:8080 [TOKENPLANE_URL, default " + DEFAULT_URL + "]")
    String url;

    @Option(
            names = "--token-file",
            scope = ScopeType.INHERIT,
            paramLabel = "FILE",
            description = "A file holding the admin token [TOKENPLANE_TOKEN_FILE, default ./data/admin-token "
                    + "when it exists]")
    Path tokenFile;

    @Option(
            names = {"-o", "--output"},
            scope = ScopeType.INHERIT,
            paramLabel = "FORMAT",
            description = "table (default), json or yaml")
    Output.Format output = Output.Format.table;

    private final UnaryOperator<String> env;

    /** @param env the environment ({@code System::getenv}; a map in tests) */
    public Tokenplane(UnaryOperator<String> env) {
        this.env = env;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System::getenv).execute(args));
    }

    /** The command line with every subcommand, completion, and the exit codes of API errors. */
    public static CommandLine commandLine(UnaryOperator<String> env) {
        CommandLine cli = new CommandLine(new Tokenplane(env));
        CommandLine completion = new CommandLine(new AutoComplete.GenerateCompletion());
        completion.getCommandSpec().usageMessage().hidden(false);
        cli.addSubcommand("completion", completion);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ApiError api) {
                cmd.getErr().println("tokenplane: " + api.code() + ": " + api.getMessage());
                return api.exitCode();
            }
            if (e instanceof IllegalArgumentException || e instanceof IOException) {
                cmd.getErr().println("tokenplane: " + e.getMessage());
                return ApiError.INVALID;
            }
            throw e;
        });
        return cli;
    }

    /** The client for the chosen BMS, with the token read from its file. */
    BmsClient client() throws IOException {
        String base = CliSetting.URL.valueFrom(url, env);
        String fileName = CliSetting.TOKEN_FILE.valueFrom(tokenFile == null ? null : tokenFile.toString(), env);
        Path file = fileName == null ? null : Path.of(fileName);
        if (file == null && Files.isReadable(DEFAULT_TOKEN_FILE)) {
            file = DEFAULT_TOKEN_FILE;
        }
        String token = null;
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new IOException("cannot read the token file " + file);
            }
            token = Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        return new BmsClient(base, token);
    }

    Output output(PrintWriter out) {
        return new Output(output, out);
    }
}
