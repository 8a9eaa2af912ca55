package dev.tokenplane.bms.http;

import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.InvalidInputException;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The query of a paged listing in key order ({@code GET /v1/buckets}, {@code GET /v1/overrides}): {@code prefix},
 * {@code limit} in [1, {@value #MAX_LIMIT}] and the opaque {@code cursor} of the previous page (the last key it held).
 *
 * @param after the last key of the previous page, or null for the first page
 */
record Paging(String prefix, int limit, String after) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    static Paging of(HttpServerRequest request) {
        String prefix = Optional.ofNullable(request.getParam("prefix")).orElse("");
        InvalidInputException.check(prefix.length() <= BucketKeys.MAX_LENGTH,
                "prefix must be at most " + BucketKeys.MAX_LENGTH + " characters");
        return new Paging(prefix, Query.intParam(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
                cursor(request.getParam("cursor")));
    }

    /** The {@code nextCursor} of a page that ended with {@code lastKey}. */
    static String cursorAfter(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String cursor(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("cursor must be a nextCursor from a previous page");
        }
    }
}
