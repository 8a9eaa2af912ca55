package dev.tokenplane.sizing;

/**
 * The anti-oscillation rules around the seed's clamp function. Times are in milliseconds of the caller's clock.
 *
 * @param maxStepUp                  largest growth in one decision, as a fraction of the size (0.5: at most x1.5);
 *                                   &gt; 0
 * @param maxStepDown                largest shrink in one decision, as a fraction of the size (0.5: at least x0.5);
 *                                   in (0, 1)
 * @param cooldownMillis             least time between two resizes of a bucket, so the next decision sees the effect
 *                                   of the last one; &gt;= 0
 * @param growthHoldAfterShedMillis  least time between shedding for pressure and growing again; &gt;= 0
 * @param appLimitedFraction         no growth while the granted demand is under this fraction of the size (the bucket
 *                                   is not what limits the traffic, so its size says nothing); in [0, 1]
 * @param minChangeFraction          a resize smaller than this fraction of the size is not worth making (it would
 *                                   chase noise), unless it reaches min or max capacity; in [0, 1)
 * @param staleAfterMillis           a load sample older than this is stale and the bucket holds; &gt; 0
 */
public record DampingConfig(
        double maxStepUp,
        double maxStepDown,
        long cooldownMillis,
        long growthHoldAfterShedMillis,
        double appLimitedFraction,
        double minChangeFraction,
        long staleAfterMillis) {

    public static final double DEFAULT_MAX_STEP_UP = 0.5;
    public static final double DEFAULT_MAX_STEP_DOWN = 0.5;
    public static final long DEFAULT_COOLDOWN_MILLIS = 2_000;
    public static final long DEFAULT_GROWTH_HOLD_AFTER_SHED_MILLIS = 6_000;
    public static final double DEFAULT_APP_LIMITED_FRACTION = 0.5;
    public static final double DEFAULT_MIN_CHANGE_FRACTION = 0.05;
    public static final long DEFAULT_STALE_AFTER_MILLIS = 5_000;

    public DampingConfig {
        Ranges.above("maxStepUp", maxStepUp, 0);
        Ranges.open("maxStepDown", maxStepDown, 0, 1);
        Ranges.atLeast("cooldownMillis", cooldownMillis, 0);
        Ranges.atLeast("growthHoldAfterShedMillis", growthHoldAfterShedMillis, 0);
        Ranges.closed("appLimitedFraction", appLimitedFraction, 0, 1);
        Ranges.closed("minChangeFraction", minChangeFraction, 0, 0.999);
        Ranges.atLeast("staleAfterMillis", staleAfterMillis, 1);
    }

    public static DampingConfig defaults() {
        return new DampingConfig(
                DEFAULT_MAX_STEP_UP,
                DEFAULT_MAX_STEP_DOWN,
                DEFAULT_COOLDOWN_MILLIS,
                DEFAULT_GROWTH_HOLD_AFTER_SHED_MILLIS,
                DEFAULT_APP_LIMITED_FRACTION,
                DEFAULT_MIN_CHANGE_FRACTION,
                DEFAULT_STALE_AFTER_MILLIS);
    }

    public DampingConfig withCooldownMillis(long value) {
        return new DampingConfig(
                maxStepUp,
                maxStepDown,
                value,
                growthHoldAfterShedMillis,
                appLimitedFraction,
                minChangeFraction,
                staleAfterMillis);
    }

    public DampingConfig withGrowthHoldAfterShedMillis(long value) {
        return new DampingConfig(
                maxStepUp, maxStepDown, cooldownMillis, value, appLimitedFraction, minChangeFraction, staleAfterMillis);
    }

    public DampingConfig withMaxSteps(double up, double down) {
        return new DampingConfig(
                up,
                down,
                cooldownMillis,
                growthHoldAfterShedMillis,
                appLimitedFraction,
                minChangeFraction,
                staleAfterMillis);
    }

    public DampingConfig withMinChangeFraction(double value) {
        return new DampingConfig(
                maxStepUp,
                maxStepDown,
                cooldownMillis,
                growthHoldAfterShedMillis,
                appLimitedFraction,
                value,
                staleAfterMillis);
    }

    public DampingConfig withStaleAfterMillis(long value) {
        return new DampingConfig(
                maxStepUp,
                maxStepDown,
                cooldownMillis,
                growthHoldAfterShedMillis,
                appLimitedFraction,
                minChangeFraction,
                value);
    }
}
