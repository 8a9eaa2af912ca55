package dev.tokenplane.client.web;

import dev.tokenplane.client.http.BucketKeys;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;

/**
 * Ready-made functions from a request to its bucket key, for {@link RateLimitHandlerBuilder#keyResolver}. Each puts
 * a fixed prefix (which the BMS's rules match, such as {@code "free:"}) before a value taken from the request, and
 * answers null when the request has no such value; {@link #firstOf} takes the first that answers.
 *
 * <p>Values come from the caller, so they are made safe as keys ({@link BucketKeys}): a caller cannot dodge the limit
 * with a key the BMS would refuse.
 */
public final class KeyResolvers {
    static final int MAX_KEY_LENGTH = BucketKeys.MAX_KEY_LENGTH;
    private static final String API_KEY = BucketKeys.API_KEY_HEADER;

    private KeyResolvers() {}

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
        return ctx -> BucketKeys.digestKey(prefix, ctx.request().getHeader(API_KEY), null);
    }

    /**
     * {@code prefix} + an HMAC-SHA256 of the {@code X-Api-Key} header under {@code secret} (at least 16 bytes, the same
     * on every instance of the service so that they share the buckets): one bucket per API key, and neither the key
     * nor anything that can be tried against it in the bucket key. The BMS does not check the API key this way; pair
     * with {@link RateLimitHandlerBuilder#forwardApiKey()} for that.
     */
    public static Function<RoutingContext, String> apiKeyHmac(String prefix, byte[] secret) {
        byte[] copy = BucketKeys.hmacSecret(secret);
        return ctx -> BucketKeys.digestKey(prefix, ctx.request().getHeader(API_KEY), copy);
    }

    /**
     * {@code prefix} + {@code {client}} for a request with an {@code X-Api-Key}, null without one: with
     * {@link RateLimitHandlerBuilder#forwardApiKey()}, the BMS checks the key and puts its client id in place of
     * {@code {client}}, so each client has its own bucket (for example {@code free:acme}) and unknown keys get 401.
     */
    public static Function<RoutingContext, String> perClient(String prefix) {
        String key = BucketKeys.perClient(prefix);
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
        String k = BucketKeys.fixed(key);
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
        return BucketKeys.key(prefix, value);
    }
}
