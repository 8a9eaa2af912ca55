package dev.tokenplane.bms;

import dev.tokenplane.bms.rules.InvalidInputException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The admin token, the cluster secret and the API keys. Nothing here logs or returns a secret in a message.
 */
public final class Secrets {
    /** The admin token file under the data directory. */
    public static final String ADMIN_TOKEN_FILE = "admin-token";
    /** The cluster secret file under the data directory, when no secret is given. */
    public static final String CLUSTER_SECRET_FILE = "cluster-secret";
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{16,512}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7E]{8,512}");

    private Secrets() {
    }

    /** The admin token and where it came from: {@code file} is null when the token was given in the settings. */
    public record AdminToken(String token, Path file) {
        @Override
        public String toString() {
            return "AdminToken[file=" + file + "]";
        }
    }

    /**
     * The admin token: the one given, else the one in {@code <dataDir>/admin-token}, else a new random one
     * (32 bytes from {@link SecureRandom}, base64url) written there with mode 600 before anyone can read it.
     */
    public static AdminToken adminToken(BmsSettings settings) throws IOException {
        if (settings.adminToken().isPresent()) {
            return new AdminToken(settings.adminToken().get(), null);
        }
        Path file = settings.dataDir().resolve(ADMIN_TOKEN_FILE).toAbsolutePath().normalize();
        return new AdminToken(readOrGenerate(file), file);
    }

    /**
     * The secret the Hazelcast cluster name is derived from: {@code BMS_CLUSTER_SECRET}, else the file named by
     * {@code BMS_CLUSTER_SECRET_FILE}, else {@code <dataDir>/cluster-secret} (generated like the admin token). Every
     * member of a cluster needs the same one, so a generated secret suits a single member only.
     */
    public static String clusterSecret(BmsSettings settings) throws IOException {
        if (settings.clusterSecret().isPresent()) {
            return settings.clusterSecret().get();
        }
        if (settings.clusterSecretFile().isPresent()) {
            return read(settings.clusterSecretFile().get(), "BMS_CLUSTER_SECRET_FILE");
        }
        return readOrGenerate(settings.dataDir().resolve(CLUSTER_SECRET_FILE).toAbsolutePath().normalize());
    }

    /** The secret in {@code file}, or a new random one (32 bytes, base64url) written there with mode 600. */
    private static String readOrGenerate(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            try {
                // Created with mode 600 from the start: there is no moment when others may read it.
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                return token;
            } catch (FileAlreadyExistsException e) {
                // another process created it first: read theirs
            } catch (UnsupportedOperationException e) {
                throw new IOException("cannot create " + file + " with mode 600 on this file system", e);
            }
        }
        return read(file, "delete it to generate a new one");
    }

    private static String read(Path file, String hint) throws IOException {
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!TOKEN.matcher(token).matches()) {
            throw new IOException(file + " must hold 16..512 visible ASCII characters (" + hint + ")");
        }
        return token;
    }

    /**
     * Reads a YAML or JSON map of API key to client id ({@code BMS_API_KEYS_FILE}). Client ids match
     * {@code [A-Za-z0-9._-]{1,128}}; keys are 8..512 visible ASCII characters.
     */
    public static Map<String, String> apiKeys(Path file) throws IOException {
        Object root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (RuntimeException e) {
            throw new InvalidInputException("BMS_API_KEYS_FILE: not valid YAML or JSON");
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new InvalidInputException("BMS_API_KEYS_FILE: expected a map of apiKey: clientId");
        }
        Map<String, String> keys = new HashMap<>();
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            i++;
            if (!(e.getKey() instanceof String key) || !API_KEY.matcher(key).matches()) {
                throw new InvalidInputException("BMS_API_KEYS_FILE: entry " + i
                        + ": API keys must be 8..512 visible ASCII characters");
            }
            if (!(e.getValue() instanceof String client) || !CLIENT_ID.matcher(client).matches()) {
                throw new InvalidInputException("BMS_API_KEYS_FILE: entry " + i
                        + ": client ids must match [A-Za-z0-9._-]{1,128}");
            }
            keys.put(key, client);
        }
        return keys;
    }
}
