package dev.tokenplane.agent;

import dev.tokenplane.runtime.settings.InvalidSettingException;

/**
 * A configuration value is missing or out of range. The message names the variable, its flag and the range, in the
 * agent's words ({@code ...; got 'x'}); the checks shared with the BMS ({@code _FILE} secrets) throw their
 * {@link InvalidSettingException}.
 */
public final class ConfigException extends InvalidSettingException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
