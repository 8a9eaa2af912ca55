package dev.tokenplane.runtime.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A secret from its variable or from the file its {@code _FILE} variant names, not both. A file lets an orchestrator
 * mount the secret (a Kubernetes Secret volume) instead of putting it in the environment.
 */
public final class SecretFiles {
    private SecretFiles() {}

    /**
     * The secret: {@code direct}, or the trimmed content of the file {@code file} names. Null or blank means unset.
     *
     * @param secret      the secret's setting ({@code BMS_ADMIN_TOKEN})
     * @param direct      its value, if given
     * @param fileSetting the setting naming its file ({@code BMS_ADMIN_TOKEN_FILE})
     * @param file        that file, if given
     * @return the secret, trimmed; empty when neither is given
     * @throws InvalidSettingException when both are given, or the file is unreadable or empty
     */
    public static Optional<String> read(Setting secret, String direct, Setting fileSetting, String file) {
        boolean hasDirect = direct != null && !direct.isBlank();
        if (file == null || file.isBlank()) {
            return hasDirect ? Optional.of(direct.strip()) : Optional.empty();
        }
        if (hasDirect) {
            throw new InvalidSettingException(secret, "and " + fileSetting.envName() + " are both set: set one", null);
        }
        String name = file.strip();
        String text;
        try {
            Path path = Path.of(name);
            if (!Files.isRegularFile(path)) {
                throw new IOException("not a regular file");
            }
            text = Files.readString(path, StandardCharsets.UTF_8).strip();
        } catch (IOException | InvalidPathException e) {
            throw new InvalidSettingException(fileSetting, "must name a readable file", name);
        }
        if (text.isEmpty()) {
            throw new InvalidSettingException(fileSetting, "names an empty file", name);
        }
        return Optional.of(text);
    }
}
