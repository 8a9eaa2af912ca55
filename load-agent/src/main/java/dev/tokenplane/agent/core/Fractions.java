package dev.tokenplane.agent.core;

/** Small numeric guards shared by the core. */
final class Fractions {

    private Fractions() {}

    /** {@code value} clamped to [0, 1]; NaN becomes 0. */
    static double clamp01(double value) {
        if (!(value > 0)) {
            return 0.0;
        }
        return Math.min(1.0, value);
    }

    /** {@code value} if it is finite and positive, else 0. */
    static double nonNegative(double value) {
        return value > 0 && Double.isFinite(value) ? value : 0.0;
    }
}
