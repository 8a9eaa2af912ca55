package dev.tokenplane.bms.http;

import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Checks tokens and API keys. Secrets are held only as SHA-256 digests, and a presented secret is hashed and compared
 * with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the input (length included).
 * Nothing here logs.
 *
 * <p>Thread-safe.
 */
public final class Auth {
    /** The request attribute that carries the API key's client id. */
    public static final String CLIENT_ID = "tp.clientId";
    private static final String BEARER = "Bearer ";

    private final byte[] adminDigest;
    private final byte[] agentDigest;
    private final Map<String, String> clientsByKeyDigest;

    /**
     * @param adminToken the admin token
     * @param agentToken the agent token, if any
     * @param apiKeys    client ids by API key (empty: decisions need no key)
     */
    public Auth(String adminToken, Optional<String> agentToken, Map<String, String> apiKeys) {
        this.adminDigest = digest(adminToken);
        this.agentDigest = agentToken.map(Auth::digest).orElse(null);
        Map<String, String> byDigest = new java.util.HashMap<>();
        apiKeys.forEach((key, client) -> byDigest.put(HexFormat.of().formatHex(digest(key)), client));
        this.clientsByKeyDigest = Map.copyOf(byDigest);
    }

    /**
     * Checks {@code access} for {@code request}.
     *
     * @return the caller's client id for a decision with API keys configured, else null
     * @throws ApiException 401 when the token or key is missing or wrong
     */
    public String check(Access access, HttpServerRequest request) {
        switch (access) {
            case PUBLIC:
                return null;
            case ADMIN:
                require(matches(bearer(request), adminDigest));
                return null;
            case AGENT: {
                byte[] presented = bearer(request);
                require(matches(presented, adminDigest) || (agentDigest != null && matches(presented, agentDigest)));
                return null;
            }
            case DECISION: {
                if (clientsByKeyDigest.isEmpty()) {
                    return null;
                }
                String key = request.getHeader("X-Api-Key");
                String client = key == null ? null : clientsByKeyDigest.get(HexFormat.of().formatHex(digest(key)));
                require(client != null);
                return client;
            }
            default:
                throw new IllegalStateException("unknown access " + access);
        }
    }

    /** Whether decisions need an API key. */
    public boolean apiKeysRequired() {
        return !clientsByKeyDigest.isEmpty();
    }

    private static void require(boolean ok) {
        if (!ok) {
            throw ApiException.unauthorized();
        }
    }

    /** The digest of the bearer token, or null when there is none. */
    private static byte[] bearer(HttpServerRequest request) {
        String h = request.getHeader("Authorization");
        if (h == null || h.length() <= BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        return digest(h.substring(BEARER.length()).trim());
    }

    private static boolean matches(byte[] presentedDigest, byte[] expectedDigest) {
        return presentedDigest != null && MessageDigest.isEqual(presentedDigest, expectedDigest);
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
