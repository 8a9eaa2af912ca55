package dev.tokenplane.cli;

/**
 * An error answer of the BMS ({@code {"error", "message"}}), or no answer at all, with the exit code the CLI ends with.
 */
public final class ApiError extends RuntimeException {
    /** Exit codes (also in the README): 2 is picocli's for a bad command line. */
    public static final int FAILED = 1;

    public static final int NOT_FOUND = 3;
    public static final int UNAUTHORIZED = 4;
    public static final int CONFLICT = 5;
    public static final int INVALID = 6;
    public static final int UNAVAILABLE = 7;

    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status, or 0 when the BMS could not be reached. */
    public int status() {
        return status;
    }

    /** The API's error code ({@code validation}, {@code conflict}, ...), or {@code unreachable}. */
    public String code() {
        return code;
    }

    public int exitCode() {
        if (status == 0 || status >= 500) {
            return UNAVAILABLE;
        }
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 401, 403 -> UNAUTHORIZED;
            case 409, 412 -> CONFLICT;
            case 400, 413, 415, 422 -> INVALID;
            default -> FAILED;
        };
    }
}
