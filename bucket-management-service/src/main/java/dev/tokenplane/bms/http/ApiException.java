package dev.tokenplane.bms.http;

/**
 * An HTTP error with its contract code, raised by handlers; {@link ErrorMapper} turns it into
 * {@code {"error": code, "message": message}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, "conflict", message);
    }

    /** 409 {@code managed_by_file}: the rules file owns the rule ({@code BMS_RULES_MODE=sync}). */
    public static ApiException managedByFile(String message) {
        return new ApiException(409, "managed_by_file", message);
    }

    /** 403: the credential is known but its role does not allow the route. */
    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "missing or wrong token");
    }
}
