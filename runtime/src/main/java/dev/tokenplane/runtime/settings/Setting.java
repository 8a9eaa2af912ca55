package dev.tokenplane.runtime.settings;

import java.util.Locale;
import java.util.function.Function;

/**
 * One option of a tokenplane process: an environment variable and its equal command-line flag ({@code BMS_DATA_DIR}
 * and {@code --data-dir}: the name without its prefix, lower case, dashes). A flag wins over the variable, the
 * variable over the default. A {@link #secret()} has no flag (the command line of a process shows in {@code ps}): it
 * comes from its variable, or from a file named by its {@code _FILE} variant ({@link SecretFiles}).
 *
 * <p>The BMS ({@code BmsSettings.VARIABLES}) and the load agent ({@code AgentSetting}) list theirs as settings;
 * {@link SettingsCommandLine} turns such a list into picocli options.
 */
public interface Setting {

    /** The environment variable, e.g. {@code BMS_DATA_DIR}. */
    String envName();

    /** The equal flag, e.g. {@code --data-dir}. */
    String flag();

    /** The default, or null when there is none (or it is computed). */
    String defaultValue();

    /** What the option means, with its allowed values. */
    String description();

    /** Whether the value is a secret: from the environment (or its file) only, never from a flag, never echoed. */
    boolean secret();

    /** The placeholder of the value in the help. */
    default String paramLabel() {
        return "<value>";
    }

    /**
     * The raw value: the flag's when given, else the variable's in {@code environment}, else the default (null for
     * none). Checking it is the caller's job.
     */
    default String valueFrom(String flag, Function<String, String> environment) {
        String value = flag != null ? flag : environment.apply(envName());
        return value != null ? value : defaultValue();
    }

    /** Both names, as messages show them: {@code BMS_PORT (--port)}. */
    default String label() {
        return envName() + " (" + flag() + ")";
    }

    /** The flag of {@code envName}: without {@code prefix}, lower case, dashes ({@code BMS_DATA_DIR} to {@code --data-dir}). */
    static String flagOf(String prefix, String envName) {
        if (!envName.startsWith(prefix)) {
            throw new IllegalArgumentException(envName + " does not start with " + prefix);
        }
        return "--"
                + envName.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
