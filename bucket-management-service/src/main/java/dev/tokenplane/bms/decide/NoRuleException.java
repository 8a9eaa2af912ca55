package dev.tokenplane.bms.decide;

/** No rule matches a key: the HTTP edge answers 404 {@code no_rule}. */
public final class NoRuleException extends RuntimeException {
    public NoRuleException(String key) {
        super("no rule matches key '" + key + "'", null, false, false);
    }
}
