package dev.tokenplane.bms;

import dev.tokenplane.bms.logging.LogSetup;
import dev.tokenplane.bms.transfer.TransferFeature;
import dev.tokenplane.runtime.settings.InvalidSettingException;
import dev.tokenplane.runtime.settings.SettingsCommandLine;
import dev.tokenplane.store.hazelcast.RuntimeTuning;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Starts one BMS member: {@code java -jar bms.jar [--port 8080] [--data-dir ./data] ...}. Every flag has an equal
 * environment variable ({@link BmsSettings#VARIABLES}); a flag wins. A bad value stops the service with exit code 2
 * and a message naming the variable and the allowed range.
 *
 * <p>Every member runs the transfer protocol ({@link TransferFeature}): buckets of a pool borrow from each other.
 *
 * <p>SIGTERM (and Ctrl-C) shut the member down gracefully through a shutdown hook.
 */
public final class BmsMain {
    private BmsMain() {}

    public static void main(String[] args) {
        RuntimeTuning.applyCommonPoolDefault(); // before anything touches ForkJoinPool
        BmsSettings settings;
        try {
            settings = settings(args, System::getenv);
        } catch (CommandLine.ParameterException | InvalidSettingException e) {
            System.err.println("bms: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (settings == null) {
            return; // help printed
        }
        LogSetup.apply(settings.logLevel(), settings.logFormat() == BmsSettings.LogFormat.JSON);
        start(settings);
    }

    /**
     * The settings given by {@code args} and {@code environment}, or null when help was asked for (and printed).
     * A secret given as a flag ({@code --admin-token}) is refused: the command line of a process is visible to every
     * user of the host ({@code ps}), so secrets come from the environment or a {@code _FILE}.
     *
     * @throws CommandLine.ParameterException       for an unknown flag, or a secret given as a flag
     * @throws InvalidSettingException for a bad value
     */
    static BmsSettings settings(String[] args, Function<String, String> environment) {
        CommandSpec spec = CommandSpec.create().name("bms").mixinStandardHelpOptions(true);
        spec.usageMessage()
                .description(
                        "tokenplane bucket management service (one member of a BMS cluster).",
                        "Each option is also an environment variable (shown in brackets); a flag wins over the variable.",
                        "Secrets (tokens) are environment variables or files (the _FILE variables) only, never flags.");
        SettingsCommandLine.addOptions(spec, BmsSettings.VARIABLES);
        CommandLine cli = new CommandLine(spec);
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        if (CommandLine.printHelpIfRequested(parsed)) {
            return null;
        }
        Map<String, String> flags = new HashMap<>();
        SettingsCommandLine.flags(cli, parsed, BmsSettings.VARIABLES).forEach((v, value) -> flags.put(v.name(), value));
        return BmsSettings.resolve(environment, flags);
    }

    /** The features every member runs with beyond the core: the adaptive sizing loop and the transfer protocol. */
    public static BmsOptions options() {
        return BmsOptions.full();
    }

    /**
     * The features of a member of {@code settings}: in client mode none beyond the core, since sizing and transfer
     * pools work on the buckets a member owns, and a client owns none.
     */
    static BmsOptions options(BmsSettings settings) {
        if (settings.hazelcastMode() == BmsSettings.HazelcastMode.CLIENT) {
            org.slf4j.LoggerFactory.getLogger(BmsMain.class)
                    .warn("Client mode: adaptive sizing and transfer pools "
                            + "are off (they run on the members that own the buckets)");
            return BmsOptions.CORE;
        }
        return options();
    }

    private static void start(BmsSettings settings) {
        BmsNode node;
        try {
            node = BmsNode.start(settings, options(settings), InstantSource.system());
        } catch (Exception e) {
            System.err.println("bms: could not start: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(BmsMain.class).error("start failed", e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "bms-shutdown"));
        StringBuilder banner =
                new StringBuilder().append("BMS ready at ").append(node.url()).append('\n');
        if (node.adminTokenFile() != null) {
            banner.append("Admin token in ")
                    .append(node.adminTokenFile())
                    .append("  (curl -H \"Authorization: Bearer $(cat ")
                    .append(node.adminTokenFile())
                    .append(")\" ")
                    .append(node.url())
                    .append("/v1/rules)\n");
        } else {
            banner.append("Admin token: as given in BMS_ADMIN_TOKEN / BMS_ADMIN_TOKEN_FILE\n");
        }
        if (settings.logFormat() == BmsSettings.LogFormat.JSON) {
            // Standard output carries only JSON lines: the banner is one more log line.
            org.slf4j.LoggerFactory.getLogger(BmsMain.class)
                    .info(banner.toString().strip());
        } else {
            System.out.print(banner);
            System.out.flush();
        }
    }
}
