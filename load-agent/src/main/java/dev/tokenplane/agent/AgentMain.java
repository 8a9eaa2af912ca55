package dev.tokenplane.agent;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Starts the load agent: {@code java -jar load-agent.jar [--flag value ...]}. Every option is an environment variable
 * with an equal flag ({@link AgentSetting}); a flag wins over its variable. A bad value stops the agent before it
 * starts, with exit code 2 and a message naming the variable and the allowed range.
 */
public final class AgentMain {

    /** Exit code for a bad configuration. */
    static final int EXIT_CONFIG = 2;
    /** Exit code when the agent could not start (port taken, ...). */
    static final int EXIT_START = 1;

    private AgentMain() {}

    public static void main(String[] args) {
        // Netty probes JDK Flight Recorder for allocator events the agent never records; skipping the probe keeps
        // about a hundred JFR classes (and their metaspace) out of a process whose budget is 64 MiB.
        if (System.getProperty("io.netty.jfr.enabled") == null) {
            System.setProperty("io.netty.jfr.enabled", "false");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        AgentConfig config;
        try {
            config = parse(args, System.getenv(), out);
        } catch (ConfigException e) {
            err.println("load-agent: " + e.getMessage());
            System.exit(EXIT_CONFIG);
            return;
        }
        if (config == null) {
            return;
        }
        AgentLogConfigurator.apply(config.logLevel(), config.jsonLogs());
        try {
            AgentRunner runner = AgentRunner.start(config);
            Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "agent-shutdown"));
        } catch (Exception e) {
            err.println("load-agent: could not start: " + e.getMessage());
            System.exit(EXIT_START);
        }
    }

    /**
     * Reads the configuration from flags and the environment.
     *
     * @param args command-line arguments
     * @param env  environment variables
     * @param out  where {@code --help} prints
     * @return the configuration, or null when only help was asked for
     * @throws ConfigException for an unknown flag or a bad value
     */
    static AgentConfig parse(String[] args, Map<String, String> env, PrintWriter out) {
        CommandLine commandLine = new CommandLine(commandSpec());
        ParseResult parsed;
        try {
            parsed = commandLine.parseArgs(args);
        } catch (ParameterException e) {
            throw new ConfigException(e.getMessage() + " (see --help)");
        }
        if (parsed.isUsageHelpRequested()) {
            commandLine.usage(out);
            return null;
        }
        Map<AgentSetting, String> raw = new EnumMap<>(AgentSetting.class);
        for (AgentSetting setting : AgentSetting.values()) {
            if (setting.secret() && parsed.hasMatchedOption(setting.flag())) {
                throw new ConfigException(setting.flag() + " is refused: a secret on the command line shows in ps. "
                        + "Set " + setting.envName() + ", or put it in a file (mode 600) and set "
                        + AgentSetting.BMS_TOKEN_FILE.envName());
            }
            String value = parsed.matchedOptionValue(setting.flag(), env.get(setting.envName()));
            if (value != null) {
                raw.put(setting, value);
            }
        }
        String tokenFile = raw.get(AgentSetting.BMS_TOKEN_FILE);
        if (tokenFile != null && !tokenFile.isBlank()) {
            raw.put(AgentSetting.BMS_TOKEN, tokenFromFile(tokenFile.strip(), raw.get(AgentSetting.BMS_TOKEN)));
        }
        return AgentConfig.fromSettings(raw);
    }

    /** The token in {@code file}, trimmed; the token must not also be set directly. */
    private static String tokenFromFile(String file, String direct) {
        if (direct != null && !direct.isBlank()) {
            throw new ConfigException(AgentSetting.BMS_TOKEN.envName() + " and " + AgentSetting.BMS_TOKEN_FILE.label()
                    + " are both set: set one");
        }
        try {
            String token =
                    Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new ConfigException(
                        AgentSetting.BMS_TOKEN_FILE.label() + " names an empty file; got '" + file + "'");
            }
            return token;
        } catch (IOException | InvalidPathException e) {
            throw new ConfigException(
                    AgentSetting.BMS_TOKEN_FILE.label() + " must name a readable file; got '" + file + "'");
        }
    }

    private static CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.create().name("load-agent").mixinStandardHelpOptions(false);
        spec.usageMessage()
                .description("Samples this server's load (OSHI, cgroup v2) and the latency of the service "
                        + "beside it, and reports both to the BMS. Every option is also an environment variable, shown in "
                        + "brackets.");
        spec.addOption(OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("Show this help.")
                .build());
        for (AgentSetting setting : AgentSetting.values()) {
            String description = setting.description() + " [" + setting.envName() + "]"
                    + (setting.defaultValue() == null ? "" : " Default: " + setting.defaultValue());
            // A secret's flag is parsed (hidden) only to be refused with a clear message, not "unknown option".
            spec.addOption(OptionSpec.builder(setting.flag())
                    .paramLabel(setting.paramLabel())
                    .type(String.class)
                    .hidden(setting.secret())
                    .description(description)
                    .build());
        }
        return spec;
    }
}
