package dev.tokenplane.client.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private KeyResolvers() {
    }

    /** {@code prefix} + the value of request header {@code header}. */
    public static Function<RoutingContext, String> header(String header, String prefix) {
        return ctx -> key(prefix, ctx.request().getHeader(header));
    }

    /** {@code prefix} + the {@code X-Api-Key} header. */
    public static Function<RoutingContext, String> apiKey(String prefix) {
        return header("X-Api-Key", prefix);
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

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
