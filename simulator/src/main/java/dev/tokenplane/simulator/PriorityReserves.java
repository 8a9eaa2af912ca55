package dev.tokenplane.simulator;

/**
 * Per-class reserve fractions of a bucket, and the admission rule that uses them: a request of a class is admitted only
 * if the tokens left after its take are at least the class's reserve fraction times the bucket's capacity. So each
 * class below {@code critical} may not take the last reserved share of the bucket, and under overload the lower
 * classes are denied first. The same rule as the BMS's per-class reserves, as a pure function.
 *
 * @param critical reserve of {@code critical} (0: it may take the last token)
 * @param high     reserve of {@code high}
 * @param normal   reserve of {@code normal}
 * @param low      reserve of {@code low}
 */
public record PriorityReserves(double critical, double high, double normal, double low) {

    /** No priority: every class may take the last token, so classes are admitted first come, first served. */
    public static final PriorityReserves NONE = new PriorityReserves(0, 0, 0, 0);

    /** The suggested defaults: critical 0, high 0.05, normal 0.10, low 0.20. */
    public static final PriorityReserves DEFAULTS = new PriorityReserves(0, 0.05, 0.10, 0.20);

    public PriorityReserves {
        for (double f : new double[] {critical, high, normal, low}) {
            if (!(f >= 0 && f <= 1)) {
                throw new IllegalArgumentException("a reserve fraction must be in [0, 1], was " + f);
            }
        }
    }

    /** The reserve fraction of {@code priority}. */
    public double of(Priority priority) {
        return priority.pick(critical, high, normal, low);
    }

    /** Whether a bucket holding {@code tokens} of {@code capacity} admits a take of {@code take} for {@code priority}. */
    public boolean admits(double tokens, double take, long capacity, Priority priority) {
        return tokens - take >= of(priority) * capacity;
    }
}
