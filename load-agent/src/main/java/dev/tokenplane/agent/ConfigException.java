package dev.tokenplane.agent;

/** A configuration value is missing or out of range. The message names the variable, its flag and the range. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
