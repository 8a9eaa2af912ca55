package dev.tokenplane.bms.rules;

/**
 * Input that is well-formed but not allowed: a value out of range, a missing field, a key that breaks the key rules.
 * The message names the field and the allowed range; the HTTP edge answers it with 400 {@code validation}.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message, null, false, false);
    }

    /**
     * Throws {@code "<field> must be in [min, max], was <value>"} when {@code value} is outside; builds no message
     * otherwise (this runs on every decision).
     */
    public static void checkRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidInputException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    /** Throws when {@code ok} is false. */
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new InvalidInputException(message);
        }
    }
}
