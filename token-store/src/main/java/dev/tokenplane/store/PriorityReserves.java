package dev.tokenplane.store;

/**
 * The share of a bucket's capacity each class below {@link Priority#CRITICAL} must leave in it: a request of class
 * {@code c} may take {@code n} tokens only if what remains after the take is at least {@code reserve(c) * capacity}
 * ({@link BucketMath#acquire(BucketState, BucketSpec, long, long, long, long)}). Critical requests have no reserve.
 *
 * <p>The defaults (high 0.05, normal 0.10, low 0.20) keep the last fifth of a bucket from low-priority callers and the
 * last tenth from ordinary ones: under a sustained overload the refill is then shared out from the top class down,
 * while a bucket that is not under pressure (more than a fifth full) grants every class alike.
 *
 * @param high   reserve of {@link Priority#HIGH}, in [0, 1)
 * @param normal reserve of {@link Priority#NORMAL}, in [high, 1)
 * @param low    reserve of {@link Priority#LOW}, in [normal, 1)
 */
public record PriorityReserves(double high, double normal, double low) {

    /** The default reserves: what a rule gets with {@code "priorityReserves": {}}, each class left out. */
    public static final PriorityReserves DEFAULTS = new PriorityReserves(0.05, 0.10, 0.20);

    /** No reserves: priority changes nothing. */
    public static final PriorityReserves NONE = new PriorityReserves(0, 0, 0);

    /** Parts per million: the unit a reserve travels in to the store. */
    public static final long PPM = 1_000_000;

    public PriorityReserves {
        check("high", high);
        check("normal", normal);
        check("low", low);
        if (!(high <= normal && normal <= low)) {
            throw new IllegalArgumentException("reserves must be monotone (low >= normal >= high), was high " + high
                    + ", normal " + normal + ", low " + low);
        }
    }

    private static void check(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), was " + value);
        }
    }

    /** The reserve of {@code priority} as a fraction of capacity. */
    public double fraction(Priority priority) {
        return switch (priority) {
            case CRITICAL -> 0;
            case HIGH -> high;
            case NORMAL -> normal;
            case LOW -> low;
        };
    }

    /** The reserve of {@code priority} in parts per million of capacity, as the store takes it. */
    public long reservePpm(Priority priority) {
        return Math.round(fraction(priority) * PPM);
    }
}
