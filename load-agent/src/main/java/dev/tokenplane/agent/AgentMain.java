package dev.tokenplane.agent;

import dev.tokenplane.runtime.settings.InvalidSettingException;
import dev.tokenplane.runtime.settings.SecretFiles;
import dev.tokenplane.runtime.settings.SettingsCommandLine;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
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
        } catch (InvalidSettingException e) {
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
     * @throws InvalidSettingException for an unknown flag or a bad value ({@link ConfigException} for most)
     */
    static AgentConfig parse(String[] args, Map<String, String> env, PrintWriter out) {
        CommandLine commandLine = new CommandLine(commandSpec());
        Map<AgentSetting, String> flags;
        try {
            ParseResult parsed = commandLine.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                commandLine.usage(out);
                return null;
            }
            flags = SettingsCommandLine.flags(commandLine, parsed, List.of(AgentSetting.values()));
        } catch (ParameterException e) {
            throw new ConfigException(e.getMessage() + " (see --help)");
        }
        Map<AgentSetting, String> raw = new EnumMap<>(AgentSetting.class);
        for (AgentSetting setting : AgentSetting.values()) {
            String value = setting.valueFrom(flags.get(setting), env::get);
            if (value != null) {
                raw.put(setting, value);
            }
        }
        SecretFiles.read(
                        AgentSetting.BMS_TOKEN,
                        raw.get(AgentSetting.BMS_TOKEN),
                        AgentSetting.BMS_TOKEN_FILE,
                        raw.get(AgentSetting.BMS_TOKEN_FILE))
                .ifPresent(token -> raw.put(AgentSetting.BMS_TOKEN, token));
        return AgentConfig.fromSettings(raw);
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
        SettingsCommandLine.addOptions(spec, List.of(AgentSetting.values()));
        return spec;
    }
}
