package dev.tokenplane.sizing;

/**
 * The seed design's clamp function, as written:
 * <pre>
 * if predicted &gt; size * thresholdHigh and pressure &lt; pressureHigh: new = size * growthFactor
 * elif predicted &lt; size * thresholdLow or pressure &gt; pressureHigh:   new = size * shrinkFactor
 * else:                                                             new = size
 * new = clamp(new, minCapacity, maxCapacity)
 * </pre>
 * {@link SizingPolicy} starts from it and adds forecasting and damping; the simulator runs it alone as "clamp-only".
 */
public final class ClampFunction {

    private ClampFunction() {}

    /**
     * One step of the seed's function.
     *
     * @param size   the proposed size, in capacity units, before rounding
     * @param reason which branch was taken: {@link SizingReason#GROW_DEMAND}, {@link SizingReason#SHRINK_DEMAND},
     *               {@link SizingReason#SHRINK_PRESSURE}, {@link SizingReason#HOLD_NO_HEADROOM} (demand is high but
     *               pressure is exactly at pressureHigh) or {@link SizingReason#HOLD_DEAD_BAND}
     */
    public record Step(double size, SizingReason reason) {}

    /**
     * @param predicted    forecast demand in capacity units (tokens per the time a full bucket takes to refill)
     * @param size         current capacity
     * @param pressure     load pressure, 0..1
     * @param pressureHigh the pressure above which the bucket sheds
     */
    public static Step apply(
            double predicted,
            double size,
            double pressure,
            double pressureHigh,
            AdaptiveSettings settings,
            SizeLimits limits) {
        double next;
        SizingReason reason;
        if (predicted > size * settings.thresholdHigh() && pressure < pressureHigh) {
            next = size * settings.growthFactor();
            reason = SizingReason.GROW_DEMAND;
        } else if (predicted < size * settings.thresholdLow() || pressure > pressureHigh) {
            next = size * settings.shrinkFactor();
            reason = pressure > pressureHigh ? SizingReason.SHRINK_PRESSURE : SizingReason.SHRINK_DEMAND;
        } else {
            next = size;
            reason = predicted > size * settings.thresholdHigh()
                    ? SizingReason.HOLD_NO_HEADROOM
                    : SizingReason.HOLD_DEAD_BAND;
        }
        next = limits.clamp(next);
        return new Step(next, reason);
    }
}
