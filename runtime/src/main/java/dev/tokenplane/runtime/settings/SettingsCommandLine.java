package dev.tokenplane.runtime.settings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Settings on the command line, through picocli: one option per {@link Setting}, its variable and default in the
 * help, and secrets refused as flags.
 *
 * <p>Precedence (flag, then variable, then default) and the range checks stay with the caller, which resolves the
 * values from {@link #flags} and the environment: picocli's {@code IDefaultValueProvider} would give the precedence,
 * but not the {@code _FILE} variants of secrets nor checks that name the variable whichever way the value came.
 */
public final class SettingsCommandLine {
    private SettingsCommandLine() {}

    /** Adds an option for each of {@code settings} to {@code spec}; a secret's is hidden. */
    public static void addOptions(CommandSpec spec, List<? extends Setting> settings) {
        for (Setting s : settings) {
            // A secret's flag is parsed (hidden) only to be refused with a clear message rather than "unknown option".
            spec.addOption(OptionSpec.builder(s.flag())
                    .paramLabel(s.paramLabel())
                    .type(String.class)
                    .hidden(s.secret())
                    .description(s.description() + " [" + s.envName()
                            + (s.defaultValue() == null ? "" : ", default: '" + s.defaultValue() + "'") + "]")
                    .build());
        }
    }

    /**
     * The values given as flags, by setting, in the order of {@code settings}.
     *
     * @throws CommandLine.ParameterException for a secret given as a flag
     */
    public static <S extends Setting> Map<S, String> flags(
            CommandLine commandLine, ParseResult parsed, List<S> settings) {
        Map<S, String> flags = new LinkedHashMap<>();
        for (S s : settings) {
            if (!parsed.hasMatchedOption(s.flag())) {
                continue;
            }
            if (s.secret()) {
                throw new CommandLine.ParameterException(
                        commandLine,
                        s.flag() + " is refused: a secret on the command line shows in ps. Set the environment "
                                + "variable " + s.envName() + ", or put the secret in a file (mode 600) and set "
                                + s.envName() + "_FILE");
            }
            flags.put(s, parsed.matchedOptionValue(s.flag(), ""));
        }
        return flags;
    }
}
