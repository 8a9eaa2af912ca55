package dev.tokenplane.sizing;

/**
 * The bounds of a bucket's size and the refill-to-capacity ratio the rule sets.
 *
 * @param minCapacity       tokens, at least 1
 * @param maxCapacity       tokens, at least {@code minCapacity}
 * @param refillPerCapacity refill per second for each token of capacity ({@code rule.refillPerSecond / rule.capacity});
 *                          a resized bucket gets {@code refillPerSecond = capacity * refillPerCapacity}
 */
public record SizeLimits(long minCapacity, long maxCapacity, double refillPerCapacity) {

    public SizeLimits {
        Ranges.atLeast("minCapacity", minCapacity, 1);
        Ranges.atLeast("maxCapacity", maxCapacity, minCapacity);
        Ranges.above("refillPerCapacity", refillPerCapacity, 0);
    }

    /** Limits of a rule with the given capacity and refill, which set the ratio. */
    public static SizeLimits of(long minCapacity, long maxCapacity, long ruleCapacity, double ruleRefillPerSecond) {
        Ranges.atLeast("capacity", ruleCapacity, 1);
        Ranges.above("refillPerSecond", ruleRefillPerSecond, 0);
        return new SizeLimits(minCapacity, maxCapacity, ruleRefillPerSecond / ruleCapacity);
    }

    /** {@code capacity} clamped to [minCapacity, maxCapacity]. */
    public long clamp(long capacity) {
        return Math.max(minCapacity, Math.min(maxCapacity, capacity));
    }

    /** {@code capacity} clamped to [minCapacity, maxCapacity]. */
    public double clamp(double capacity) {
        return Math.max(minCapacity, Math.min(maxCapacity, capacity));
    }

    /** The refill per second that goes with {@code capacity} at the rule's ratio. */
    public double refillFor(long capacity) {
        return capacity * refillPerCapacity;
    }
}
