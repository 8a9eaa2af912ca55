package dev.tokenplane.sizing;

/** Range checks whose messages name the field and the allowed range. */
final class Ranges {

    private Ranges() {}

    /** {@code value} in the open-closed interval (lo, hi]. */
    static double openClosed(String field, double value, double lo, double hi) {
        if (!(value > lo && value <= hi)) {
            throw new IllegalArgumentException(field + " must be in (" + lo + ", " + hi + "], was " + value);
        }
        return value;
    }

    /** {@code value} in the open interval (lo, hi). */
    static double open(String field, double value, double lo, double hi) {
        if (!(value > lo && value < hi)) {
            throw new IllegalArgumentException(field + " must be in (" + lo + ", " + hi + "), was " + value);
        }
        return value;
    }

    /** {@code value} in the closed interval [lo, hi]. */
    static double closed(String field, double value, double lo, double hi) {
        if (!(value >= lo && value <= hi)) {
            throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], was " + value);
        }
        return value;
    }

    /** A whole {@code value} in the closed interval [lo, hi]. */
    static long closed(String field, long value, long lo, long hi) {
        if (value < lo || value > hi) {
            throw new IllegalArgumentException(field + " must be in [" + lo + ", " + hi + "], was " + value);
        }
        return value;
    }

    /** A finite {@code value} greater than {@code lo}. */
    static double above(String field, double value, double lo) {
        if (!(value > lo) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number > " + lo + ", was " + value);
        }
        return value;
    }

    /** A finite {@code value} at least {@code lo}. */
    static double atLeast(String field, double value, double lo) {
        if (!(value >= lo) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be a finite number >= " + lo + ", was " + value);
        }
        return value;
    }

    static long atLeast(String field, long value, long lo) {
        if (value < lo) {
            throw new IllegalArgumentException(field + " must be >= " + lo + ", was " + value);
        }
        return value;
    }

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is required");
        }
        return value;
    }
}
