package dev.tokenplane.client.servlet;

import dev.tokenplane.client.http.BucketKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.function.Function;

/**
 * Ready-made functions from a request to its bucket key, for {@link RateLimitFilterBuilder#keyResolver}: a fixed
 * prefix (which the BMS's rules match, such as {@code "free:"}) before a value taken from the request, made safe as a
 * key ({@link BucketKeys}); null when the request has no such value (the request then passes unlimited, unless another
 * resolver of {@link #firstOf} answers).
 */
public final class ServletKeyResolvers {
    private ServletKeyResolvers() {}

    /** {@code prefix} + the value of request header {@code header}. */
    public static Function<HttpServletRequest, String> header(String header, String prefix) {
        return request -> BucketKeys.key(prefix, request.getHeader(header));
    }

    /** {@code prefix} + the method and the path inside the application, for example {@code route:GET:/orders}. */
    public static Function<HttpServletRequest, String> path(String prefix) {
        return request -> {
            String path =
                    request.getRequestURI().substring(request.getContextPath().length());
            return BucketKeys.key(prefix, request.getMethod() + ":" + (path.isEmpty() ? "/" : path));
        };
    }

    /**
     * {@code prefix} + an HMAC-SHA256 of the {@code X-Api-Key} header under {@code secret} (at least 16 bytes, the same
     * on every instance): one bucket per API key, with neither the key nor anything that can be tried against it in
     * the bucket key. Pair with {@link RateLimitFilterBuilder#forwardApiKey()} to have the BMS check the key.
     */
    public static Function<HttpServletRequest, String> apiKeyHmac(String prefix, byte[] secret) {
        byte[] copy = BucketKeys.hmacSecret(secret);
        return request -> BucketKeys.digestKey(prefix, request.getHeader(BucketKeys.API_KEY_HEADER), copy);
    }

    /**
     * {@code prefix} + {@code {client}} for a request with an {@code X-Api-Key}, null without one: with
     * {@link RateLimitFilterBuilder#forwardApiKey()}, the BMS checks the key and puts its client id in place of
     * {@code {client}}, so each client has its own bucket and unknown keys get 401.
     */
    public static Function<HttpServletRequest, String> perClient(String prefix) {
        String key = BucketKeys.perClient(prefix);
        return request -> {
            String apiKey = request.getHeader(BucketKeys.API_KEY_HEADER);
            return apiKey == null || apiKey.isEmpty() ? null : key;
        };
    }

    /** {@code prefix} + the request's parameter {@code name} (a user name on a login form, say). */
    public static Function<HttpServletRequest, String> param(String name, String prefix) {
        return request -> BucketKeys.key(prefix, request.getParameter(name));
    }

    /** {@code prefix} + the peer's IP address (forwarding headers are not trusted). */
    public static Function<HttpServletRequest, String> ip(String prefix) {
        return request -> BucketKeys.key(prefix, request.getRemoteAddr());
    }

    /** Always {@code key}: one bucket for every request through the filter. */
    public static Function<HttpServletRequest, String> fixed(String key) {
        String k = BucketKeys.fixed(key);
        return request -> k;
    }

    /** The first resolver's key that is not null. */
    @SafeVarargs
    public static Function<HttpServletRequest, String> firstOf(Function<HttpServletRequest, String>... resolvers) {
        List<Function<HttpServletRequest, String>> list = List.of(resolvers);
        return request -> {
            for (Function<HttpServletRequest, String> r : list) {
                String key = r.apply(request);
                if (key != null) {
                    return key;
                }
            }
            return null;
        };
    }
}
