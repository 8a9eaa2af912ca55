package dev.tokenplane.sizing;

import java.util.Locale;

/**
 * Why the policy decided what it did; one per rule of the policy. The BMS records it in the bucket's resize history
 * ({@link #code()}, for example {@code "grow_demand"}).
 */
public enum SizingReason {
    /** Forecast demand above {@code size * thresholdHigh} and pressure below {@code pressureHigh}: grew. */
    GROW_DEMAND,
    /** Forecast demand below {@code size * thresholdLow}: shrank. */
    SHRINK_DEMAND,
    /** Pressure above {@code pressureHigh}: shrank towards the size at which it would be {@code pressureTarget}. */
    SHRINK_PRESSURE,
    /** The size was outside [minCapacity, maxCapacity] (the rule changed): clamped to it. */
    CLAMPED,
    /** Forecast demand between the thresholds and no excess pressure. */
    HOLD_DEAD_BAND,
    /** Would grow, but the pressure is at or above {@code pressureTarget}: no headroom for a larger size. */
    HOLD_NO_HEADROOM,
    /** Would resize, but the last resize was less than {@code cooldownMillis} ago. */
    HOLD_COOLDOWN,
    /** Would grow, but the last shed for pressure was less than {@code growthHoldAfterShedMillis} ago. */
    HOLD_AFTER_SHED,
    /**
     * Would shed, but the pressure is falling fast after the last shed (the newest sample's level is under
     * {@link SizingPolicy#DRAINING_FALL} of the smoothed level): that shed is still draining the queue built while the
     * server was overloaded.
     */
    HOLD_DRAINING,
    /** Would grow, but the granted demand is under {@code appLimitedFraction} of the size. */
    HOLD_APP_LIMITED,
    /** Would resize by less than {@code minChangeFraction} of the size. */
    HOLD_SMALL_CHANGE,
    /** Would grow past maxCapacity or shrink past minCapacity, and is already there. */
    HOLD_AT_LIMIT,
    /** No demand window this tick. */
    HOLD_NO_DEMAND_DATA,
    /** The bucket follows a server's or pool's load, and there is no report. */
    HOLD_LOAD_MISSING,
    /** The latest load report is older than {@code staleAfterMillis}. */
    HOLD_LOAD_STALE,
    /** An operator's override pins the bucket. */
    HOLD_PINNED;

    /** The lower-case name, as it appears in the resize history and in logs. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether decisions with this reason change the size (CLAMPED may go either way). */
    public boolean resizes() {
        return this == GROW_DEMAND || this == SHRINK_DEMAND || this == SHRINK_PRESSURE || this == CLAMPED;
    }
}
