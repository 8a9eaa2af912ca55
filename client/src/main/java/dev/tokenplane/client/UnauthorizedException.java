package dev.tokenplane.client;

/** API keys are configured on the BMS and the client's key is missing or unknown (401 {@code unauthorized}). */
public final class UnauthorizedException extends RateLimitException {
    public UnauthorizedException(String message) {
        super("unauthorized", message);
    }
}
