package dev.tokenplane.client;

/**
 * A request the BMS refused as asked: the typed form of its {@code {"error", "message"}} answers. An unreachable BMS
 * is not an exception: the {@link FallbackPolicy} decides then.
 */
public abstract sealed class RateLimitException extends RuntimeException
        permits NoRuleException, InvalidRequestException, UnauthorizedException {

    private final String code;

    protected RateLimitException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The contract's error code ({@code no_rule}, {@code validation}, {@code bad_request}, {@code unauthorized}...). */
    public String code() {
        return code;
    }

    /** The typed exception for an error answer of the BMS. */
    public static RateLimitException of(int status, String code, String message) {
        String text = message == null ? code : message;
        if ("no_rule".equals(code)) {
            return new NoRuleException(text);
        }
        if (status == 401 || "unauthorized".equals(code)) {
            return new UnauthorizedException(text);
        }
        return new InvalidRequestException(code == null ? "http_" + status : code, text);
    }
}
