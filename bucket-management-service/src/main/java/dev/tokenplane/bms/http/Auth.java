package dev.tokenplane.bms.http;

import dev.tokenplane.bms.agents.ServerPattern;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks tokens and API keys, and the role of the credential against the route's {@link Access}. Secrets are held only
 * as SHA-256 digests; a presented secret is hashed and compared with {@link MessageDigest#isEqual}, so the time taken
 * does not depend on how close the input is to a real secret (length included). Every credential has a name ({@link Caller}) that logs
 * and the audit log use instead of the secret. Nothing here logs.
 *
 * <p>Thread-safe.
 */
public final class Auth {
    /** The request attribute that carries the API key's client id. */
    public static final String CLIENT_ID = "tp.clientId";
    /** The request attribute that carries the API key's tier, when its entry names one. */
    public static final String CLIENT_TIER = "tp.clientTier";

    private static final String BEARER = "Bearer ";

    /**
     * What an API key stands for: the client id that replaces {@code {client}} in keys, and the tier whose rules serve
     * it (null: the rules without a tier). Both come from the API-keys file, never from the request.
     */
    public record ApiClient(String clientId, String tier) {}

    /** A bearer credential: who it is, and the SHA-256 digest of its secret. */
    public record Bearer(Caller caller, byte[] digest) {
        /** A credential holding {@code secret} (only its digest is kept). */
        public static Bearer of(Caller caller, String secret) {
            return new Bearer(caller, Auth.digest(secret));
        }

        @Override
        public String toString() {
            return "Bearer[" + caller.name() + "]";
        }
    }

    private final List<Bearer> bearers;
    private final Map<String, ApiClient> clientsByKeyDigest;

    /**
     * @param bearers every bearer credential; names and secrets must be unique
     * @param apiKeys the client (and tier) of each API key (empty: decisions need no key)
     * @throws IllegalArgumentException naming the credentials that share a name or a secret
     */
    public Auth(List<Bearer> bearers, Map<String, ApiClient> apiKeys) {
        Map<String, Caller> byDigest = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (Bearer b : bearers) {
            if (!names.add(b.caller().name())) {
                throw new IllegalArgumentException(
                        "two credentials are named '" + b.caller().name() + "'");
            }
            Caller other = byDigest.put(HexFormat.of().formatHex(b.digest()), b.caller());
            if (other != null) {
                throw new IllegalArgumentException("credentials '" + other.name() + "' and '"
                        + b.caller().name() + "' have the same token: each credential needs its own");
            }
        }
        this.bearers = List.copyOf(bearers);
        Map<String, ApiClient> keys = new HashMap<>();
        apiKeys.forEach((key, client) -> keys.put(HexFormat.of().formatHex(digest(key)), client));
        this.clientsByKeyDigest = Map.copyOf(keys);
    }

    /** The admin credential ({@code admin}), the read-only one ({@code read}) and the all-servers agent ({@code agent}). */
    public static List<Bearer> standard(String adminToken, Optional<String> readToken, Optional<String> agentToken) {
        List<Bearer> bearers = new ArrayList<>();
        bearers.add(Bearer.of(new Caller("admin", Caller.Role.ADMIN, ServerPattern.ALL), adminToken));
        readToken.ifPresent(t -> bearers.add(Bearer.of(new Caller("read", Caller.Role.READ, null), t)));
        agentToken.ifPresent(t -> bearers.add(Bearer.of(new Caller("agent", Caller.Role.AGENT, ServerPattern.ALL), t)));
        return bearers;
    }

    /**
     * Checks {@code access} for {@code request}.
     *
     * @return the caller; null for a public route, or a decision when no API keys are configured
     * @throws ApiException 401 when the token or key is missing or wrong, 403 {@code forbidden} when a known credential
     *                      lacks the role
     */
    public Caller check(Access access, HttpServerRequest request) {
        switch (access) {
            case PUBLIC:
                return null;
            case ADMIN:
                return require(bearer(request), Caller.Role.ADMIN, access);
            case READ:
                return require(bearer(request), Caller.Role.READ, access);
            case AGENT:
                return require(bearer(request), Caller.Role.AGENT, access);
            case DECISION: // without API keys, no header to look up
                return clientsByKeyDigest.isEmpty() ? null : decisionCaller(request.getHeader("X-Api-Key"));
            default:
                throw new IllegalStateException("unknown access " + access);
        }
    }

    /**
     * The caller of a decision presenting {@code apiKey} (null for none), for any transport: only an API key of the
     * API-keys file counts (never a bearer token).
     *
     * @return the client caller; null when no API keys are configured (decisions need no key)
     * @throws ApiException 401 when keys are configured and {@code apiKey} is missing or unknown
     */
    public Caller decisionCaller(String apiKey) {
        if (clientsByKeyDigest.isEmpty()) {
            return null;
        }
        ApiClient client =
                apiKey == null ? null : clientsByKeyDigest.get(HexFormat.of().formatHex(digest(apiKey)));
        if (client == null) {
            throw ApiException.unauthorized();
        }
        return new Caller(client.clientId(), Caller.Role.CLIENT, null, client.tier());
    }

    /** Whether decisions need an API key. */
    public boolean apiKeysRequired() {
        return !clientsByKeyDigest.isEmpty();
    }

    /** {@code caller} if it is the admin or has {@code role}; 401 when there is no caller, else 403. */
    private static Caller require(Caller caller, Caller.Role role, Access access) {
        if (caller == null) {
            throw ApiException.unauthorized();
        }
        if (caller.role() != Caller.Role.ADMIN && caller.role() != role) {
            throw ApiException.forbidden("credential '" + caller.name() + "' ("
                    + caller.role().name().toLowerCase(Locale.ROOT) + ") may not call this route: it needs "
                    + (access == Access.ADMIN
                            ? "the admin token"
                            : access == Access.READ
                                    ? "the admin or the read-only token"
                                    : "an agent token or the admin token"));
        }
        return caller;
    }

    /**
     * The caller whose token is the bearer token, or null when there is none or it is unknown. The presented token's
     * digest is compared with every credential's ({@link MessageDigest#isEqual}, no early exit), so the time taken
     * does not depend on which credential, if any, it matches or how close it comes.
     */
    private Caller bearer(HttpServerRequest request) {
        String h = request.getHeader("Authorization");
        if (h == null || h.length() <= BEARER.length() || !h.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        byte[] presented = digest(h.substring(BEARER.length()).trim());
        Caller found = null;
        for (Bearer b : bearers) {
            if (MessageDigest.isEqual(presented, b.digest())) {
                found = b.caller();
            }
        }
        return found;
    }

    static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
