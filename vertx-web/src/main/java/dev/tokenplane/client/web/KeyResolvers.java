package dev.tokenplane.client.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/**
 * Ready-made functions from a request to its bucket key, for {@link RateLimitHandlerBuilder#keyResolver}. Each puts
 * a fixed prefix (which the BMS's rules match, such as {@code "free:"}) before a value taken from the request, and
 * answers null when the request has no such value; {@link #firstOf} takes the first that answers.
 *
 * <p>Values come from the caller, so they are made safe as keys: whitespace and control characters become {@code _},
 * and a key longer than the BMS allows (256) is the prefix plus the value's SHA-256. A caller cannot dodge the limit
 * with a key the BMS would refuse.
 */
public final class KeyResolvers {
    static final int MAX_KEY_LENGTH = 256;
    private static final String API_KEY = "X-Api-Key";

    private KeyResolvers() {
    }

    /** {@code prefix} + the value of request header {@code header}. */
    public static Function<RoutingContext, String> header(String header, String prefix) {
        return ctx -> key(prefix, ctx.request().getHeader(header));
    }

    /**
     * {@code prefix} + a SHA-256 digest of the {@code X-Api-Key} header: one bucket per API key, as before, but the
     * key itself (a secret) is no longer part of the bucket key, nor listed by the BMS. The digest is not keyed, so a
     * short, guessable API key can still be found from it by trying.
     *
     * @deprecated the BMS cannot tell a real API key from an invented one this way, and each invented one gets a fresh
     * bucket. Forward the key instead ({@link RateLimitHandlerBuilder#forwardApiKey()} with {@link #perClient}), or
     * key by a keyed hash ({@link #apiKeyHmac}).
     */
    @Deprecated(since = "0.2")
    public static Function<RoutingContext, String> apiKey(String prefix) {
        return ctx -> digestKey(prefix, ctx.request().getHeader(API_KEY), null);
    }

    /**
     * {@code prefix} + an HMAC-SHA256 of the {@code X-Api-Key} header under {@code secret} (at least 16 bytes, the same
     * on every instance of the service so that they share the buckets): one bucket per API key, and neither the key
     * nor anything that can be tried against it in the bucket key. The BMS does not check the API key this way; pair
     * with {@link RateLimitHandlerBuilder#forwardApiKey()} for that.
     */
    public static Function<RoutingContext, String> apiKeyHmac(String prefix, byte[] secret) {
        if (secret == null || secret.length < 16) {
            throw new IllegalArgumentException("the HMAC secret must be at least 16 bytes");
        }
        byte[] copy = secret.clone();
        return ctx -> digestKey(prefix, ctx.request().getHeader(API_KEY), copy);
    }

    /**
     * {@code prefix} + {@code {client}} for a request with an {@code X-Api-Key}, null without one: with
     * {@link RateLimitHandlerBuilder#forwardApiKey()}, the BMS checks the key and puts its client id in place of
     * {@code {client}}, so each client has its own bucket (for example {@code free:acme}) and unknown keys get 401.
     */
    public static Function<RoutingContext, String> perClient(String prefix) {
        String key = safe(prefix + "{client}");
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("prefix must leave room for {client}");
        }
        return ctx -> {
            String apiKey = ctx.request().getHeader(API_KEY);
            return apiKey == null || apiKey.isEmpty() ? null : key;
        };
    }

    /** {@code prefix} + the authenticated user's subject, or else the {@code X-Client-Id} header. */
    public static Function<RoutingContext, String> clientId(String prefix) {
        return ctx -> {
            User user = ctx.user();
            String subject = user == null ? null : user.subject();
            return key(prefix, subject != null ? subject : ctx.request().getHeader("X-Client-Id"));
        };
    }

    /** {@code prefix} + the method and path, for example {@code route:GET:/orders}. */
    public static Function<RoutingContext, String> route(String prefix) {
        return ctx -> key(prefix, ctx.request().method().name() + ":" + ctx.normalizedPath());
    }

    /**
     * {@code prefix} + the request's query or form parameter {@code name} (a username on a login form, say), made
     * safe as a key; null when the request has none.
     */
    public static Function<RoutingContext, String> param(String name, String prefix) {
        return ctx -> key(prefix, ctx.request().getParam(name));
    }

    /** {@code prefix} + the peer's IP address (forwarding headers are not trusted). */
    public static Function<RoutingContext, String> ip(String prefix) {
        return ctx -> {
            SocketAddress peer = ctx.request().remoteAddress();
            return key(prefix, peer == null ? null : peer.hostAddress());
        };
    }

    /** Always {@code key}: one bucket for every request through the handler. */
    public static Function<RoutingContext, String> fixed(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("key must be 1.." + MAX_KEY_LENGTH + " characters, was " + key);
        }
        String k = safe(key);
        return ctx -> k;
    }

    /** The first resolver's key that is not null. */
    @SafeVarargs
    public static Function<RoutingContext, String> firstOf(Function<RoutingContext, String>... resolvers) {
        List<Function<RoutingContext, String>> list = List.of(resolvers);
        return ctx -> {
            for (Function<RoutingContext, String> r : list) {
                String key = r.apply(ctx);
                if (key != null) {
                    return key;
                }
            }
            return null;
        };
    }

    /** {@code prefix + value}, made safe as a bucket key; null when there is no value. */
    static String key(String prefix, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        String key = safe(prefix + value);
        return key.length() <= MAX_KEY_LENGTH ? key : safe(prefix) + sha256(value);
    }

    /** Whitespace, control characters, surrogates and U+FFFD (all refused in keys by the BMS) become {@code _}. */
    private static String safe(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.isSurrogate(c) || c == '\uFFFD' ? '_' : c);
        }
        return b.toString();
    }

    /** {@code prefix} + a digest of {@code value} (HMAC-SHA256 under {@code secret}, or SHA-256); null without one. */
    private static String digestKey(String prefix, String value, byte[] secret) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        byte[] digest;
        try {
            if (secret == null) {
                digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            } else {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String key = safe(prefix) + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        return key.length() <= MAX_KEY_LENGTH ? key : key.substring(0, MAX_KEY_LENGTH);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
