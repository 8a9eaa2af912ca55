package dev.tokenplane.sizing;

/**
 * What the policy decided for one bucket at one tick.
 *
 * @param previousCapacity   the capacity the bucket had
 * @param capacity           the capacity it should have now, in [minCapacity, maxCapacity] unless pinned
 * @param refillPerSecond    the refill it should have now (the rule's ratio times {@code capacity} after a resize, the
 *                           current refill after a hold)
 * @param reason             why; recorded in the resize history
 * @param state              to store with the bucket and pass back next tick (also after a hold: the forecast moved)
 * @param predictedPerSecond the forecast demand, tokens per second
 * @param pressure           the load pressure used, in [0, 1] (0 when untracked or not looked at)
 */
public record SizingDecision(
        long previousCapacity,
        long capacity,
        double refillPerSecond,
        SizingReason reason,
        SizingState state,
        double predictedPerSecond,
        double pressure) {

    /** Whether the capacity changed; the caller then resizes the bucket atomically and records the resize. */
    public boolean resized() {
        return capacity != previousCapacity;
    }

    public Direction direction() {
        if (capacity > previousCapacity) {
            return Direction.GROW;
        }
        return capacity < previousCapacity ? Direction.SHRINK : Direction.HOLD;
    }
}
