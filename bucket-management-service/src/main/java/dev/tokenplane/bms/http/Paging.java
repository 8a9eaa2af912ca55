package dev.tokenplane.bms.http;

import dev.tokenplane.bms.rules.BucketKeys;
import dev.tokenplane.bms.rules.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The paging style of the listings ({@code GET /v1/buckets}, {@code /v1/agents}, {@code /v1/audit}): {@code limit}
 * (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) and {@code cursor}, the opaque {@code nextCursor} of
 * the previous page (null on the last page). A cursor is the last id of the page, base64url-encoded.
 */
public final class Paging {
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private Paging() {}

    /** The {@code prefix} parameter of a listing by bucket key, checked; "" when absent. */
    public static String keyPrefix(String value) {
        String prefix = value == null ? "" : value;
        InvalidInputException.check(
                prefix.length() <= BucketKeys.MAX_LENGTH,
                "prefix must be at most " + BucketKeys.MAX_LENGTH + " characters");
        return prefix;
    }

    /** The {@code limit} parameter, checked. */
    public static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInputException("limit must be an integer in [1, " + MAX_LIMIT + "]");
    }

    /** The id after which the page starts, from the {@code cursor} parameter; null for the first page. */
    public static String after(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("cursor must be a nextCursor from a previous page");
        }
    }

    /** The {@code nextCursor} of a page that ends at {@code lastId}. */
    public static String cursor(String lastId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8));
    }
}
