package dev.tokenplane.client;

/**
 * The BMS (or the client, before sending) found a value out of range: tokens below 1 or above the bucket's capacity,
 * a bad key, a wait too long ({@code validation}, {@code bad_request}, or another 4xx code). The message names the
 * field and the allowed range.
 */
public final class InvalidRequestException extends RateLimitException {
    public InvalidRequestException(String code, String message) {
        super(code, message);
    }
}
