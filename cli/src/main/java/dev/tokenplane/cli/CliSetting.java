package dev.tokenplane.cli;

import dev.tokenplane.runtime.settings.Setting;

/**
 * The CLI's connection options, in the same style as the BMS's and the agent's ({@link Setting}): an environment
 * variable with an equal flag, the flag winning. The admin token itself has no option: it is read from its file.
 */
enum CliSetting implements Setting {
    URL("The BMS, e.g. http://bms:8080", Tokenplane.DEFAULT_URL),
    TOKEN_FILE("A file holding the admin token; when unset, ./data/admin-token if it exists", null);

    private final String description;
    private final String defaultValue;

    CliSetting(String description, String defaultValue) {
        this.description = description;
        this.defaultValue = defaultValue;
    }

    @Override
    public String envName() {
        return "TOKENPLANE_" + name();
    }

    @Override
    public String flag() {
        return Setting.flagOf("TOKENPLANE_", envName());
    }

    @Override
    public String defaultValue() {
        return defaultValue;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean secret() {
        return false;
    }
}
