package dev.tokenplane.bms;

import dev.tokenplane.bms.agents.ServerPattern;
import dev.tokenplane.bms.http.Auth;
import dev.tokenplane.bms.http.Caller;
import dev.tokenplane.bms.rules.InvalidInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The admin token, the cluster secret, the named agent tokens and the API keys. Nothing here logs or returns a
 * secret in a message.
 */
public final class Secrets {
    /** The admin token file under the data directory. */
    public static final String ADMIN_TOKEN_FILE = "admin-token";
    /** The cluster secret file under the data directory, when no secret is given. */
    public static final String CLUSTER_SECRET_FILE = "cluster-secret";

    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{16,512}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7E]{8,512}");
    private static final Pattern CREDENTIAL_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9A-Fa-f]{64}");

    private Secrets() {}

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
        Path file =
                settings.dataDir().resolve(ADMIN_TOKEN_FILE).toAbsolutePath().normalize();
        return new AdminToken(readOrGenerate(file), file);
    }

    /**
     * The secret the Hazelcast cluster name is derived from: {@code BMS_CLUSTER_SECRET} (or its {@code _FILE}), else
     * {@code <dataDir>/cluster-secret} (generated like the admin token). Every member of a cluster needs the same one,
     * so a generated secret suits a single member only.
     */
    public static String clusterSecret(BmsSettings settings) throws IOException {
        if (settings.clusterSecret().isPresent()) {
            return settings.clusterSecret().get();
        }
        return readOrGenerate(
                settings.dataDir().resolve(CLUSTER_SECRET_FILE).toAbsolutePath().normalize());
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
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                return token;
            } catch (FileAlreadyExistsException e) {
                // another process created it first: read theirs
            } catch (UnsupportedOperationException e) {
                throw new IOException("cannot create " + file + " with mode 600 on this file system", e);
            }
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!TOKEN.matcher(token).matches()) {
            throw new IOException(
                    file + " must hold 16..512 visible ASCII characters; delete it to generate a new " + "one");
        }
        return token;
    }

    /** Every bearer credential of {@code settings}: admin, read-only, agent, and the named agent tokens. */
    public static List<Auth.Bearer> bearers(BmsSettings settings, String adminToken) throws IOException {
        List<Auth.Bearer> bearers =
                new ArrayList<>(Auth.standard(adminToken, settings.readToken(), settings.agentToken()));
        if (settings.agentTokensFile().isPresent()) {
            bearers.addAll(agentTokens(settings.agentTokensFile().get()));
        }
        return bearers;
    }

    /**
     * Reads the named agent tokens of {@code BMS_AGENT_TOKENS_FILE}: a YAML or JSON list of
     * {@code {name, token | tokenSha256, servers}}, where {@code servers} is a server id glob ({@code web-*}) or a
     * list of them. {@code tokenSha256} (64 hex digits, the SHA-256 of the token) keeps the token itself off the BMS.
     */
    public static List<Auth.Bearer> agentTokens(Path file) throws IOException {
        String where = "BMS_AGENT_TOKENS_FILE";
        if (!(load(file, where) instanceof List<?> list)) {
            throw new InvalidInputException(where + ": expected a list of {name, token | tokenSha256, servers}");
        }
        List<Auth.Bearer> bearers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String entry = where + ": entry " + (i + 1);
            if (!(list.get(i) instanceof Map<?, ?> m)) {
                throw new InvalidInputException(entry + ": expected {name, token | tokenSha256, servers}");
            }
            if (!(m.get("name") instanceof String name)
                    || !CREDENTIAL_NAME.matcher(name).matches()) {
                throw new InvalidInputException(entry + ": name must match " + CREDENTIAL_NAME.pattern());
            }
            entry += " (" + name + ")";
            Object servers = m.get("servers");
            List<String> globs = servers instanceof String g
                    ? List.of(g)
                    : servers instanceof List<?> l
                            ? l.stream()
                                    .map(o -> o instanceof String g ? g : null)
                                    .toList()
                            : List.of();
            ServerPattern pattern;
            try {
                pattern = ServerPattern.of(globs);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(entry + ": " + e.getMessage());
            }
            Caller caller = new Caller(name, Caller.Role.AGENT, pattern);
            Object token = m.get("token");
            Object sha = m.get("tokenSha256");
            if ((token == null) == (sha == null)) {
                throw new InvalidInputException(entry + ": give exactly one of token and tokenSha256");
            }
            if (token != null) {
                if (!(token instanceof String t) || !TOKEN.matcher(t).matches()) {
                    throw new InvalidInputException(entry + ": token must be 16..512 visible ASCII characters");
                }
                bearers.add(Auth.Bearer.of(caller, t));
            } else {
                if (!(sha instanceof String hex) || !SHA256.matcher(hex).matches()) {
                    throw new InvalidInputException(entry + ": tokenSha256 must be 64 hex digits");
                }
                bearers.add(new Auth.Bearer(caller, HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT))));
            }
        }
        return bearers;
    }

    private static Object load(Path file, String where) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (RuntimeException e) {
            throw new InvalidInputException(where + ": not valid YAML or JSON");
        }
    }

    /**
     * Reads a YAML or JSON map of API key to client ({@code BMS_API_KEYS_FILE}): {@code key: clientId}, or
     * {@code key: {client: clientId, tier: tier}} for a caller whose decisions the rules of its tier serve. Client ids
     * and tiers match {@code [A-Za-z0-9._-]{1,128}}; keys are 8..512 visible ASCII characters.
     */
    public static Map<String, Auth.ApiClient> apiKeys(Path file) throws IOException {
        if (!(load(file, "BMS_API_KEYS_FILE") instanceof Map<?, ?> map)) {
            throw new InvalidInputException(
                    "BMS_API_KEYS_FILE: expected a map of apiKey: clientId " + "or apiKey: {client, tier}");
        }
        Map<String, Auth.ApiClient> keys = new HashMap<>();
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            i++;
            if (!(e.getKey() instanceof String key) || !API_KEY.matcher(key).matches()) {
                throw new InvalidInputException(
                        "BMS_API_KEYS_FILE: entry " + i + ": API keys must be 8..512 visible ASCII characters");
            }
            Object value = e.getValue();
            Object tier = null;
            if (value instanceof Map<?, ?> m) {
                if (!m.keySet().stream().allMatch(k -> "client".equals(k) || "tier".equals(k))) {
                    throw new InvalidInputException("BMS_API_KEYS_FILE: entry " + i
                            + ": expected {client, tier}, had the fields " + m.keySet());
                }
                value = m.get("client");
                tier = m.get("tier");
                if (tier != null
                        && (!(tier instanceof String t) || !CLIENT_ID.matcher(t).matches())) {
                    throw new InvalidInputException(
                            "BMS_API_KEYS_FILE: entry " + i + ": tiers must match [A-Za-z0-9._-]{1,128}");
                }
            }
            if (!(value instanceof String client) || !CLIENT_ID.matcher(client).matches()) {
                throw new InvalidInputException(
                        "BMS_API_KEYS_FILE: entry " + i + ": client ids must match [A-Za-z0-9._-]{1,128}");
            }
            keys.put(key, new Auth.ApiClient(client, (String) tier));
        }
        return keys;
    }
}
