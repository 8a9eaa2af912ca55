package dev.tokenplane.runtime.settings;

/**
 * A bad option value, found before the process starts. The message names the variable and its flag and the allowed
 * values, and never repeats a secret. An {@link IllegalArgumentException}: the value came from the caller.
 */
public class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param setting the option
     * @param rule    what the value must be, e.g. {@code must be an integer in [0, 65535]}
     * @param was     the bad value, or null to leave it out (never shown for a secret)
     */
    public InvalidSettingException(Setting setting, String rule, String was) {
        this(setting.label() + " " + rule + (was == null || setting.secret() ? "" : ", was '" + was + "'"));
    }

    /** A message already naming the setting ({@link Setting#label()}). */
    protected InvalidSettingException(String message) {
        super(message);
    }
}
