package dev.tokenplane.client;

/** No rule of the BMS matches the key (404 {@code no_rule}). */
public final class NoRuleException extends RateLimitException {
    public NoRuleException(String message) {
        super("no_rule", message);
    }
}
