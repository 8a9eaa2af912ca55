package dev.tokenplane.sizing;

/**
 * A rule's adaptive settings, as in the {@code adaptive} block of {@code PUT /v1/rules/{ruleId}}.
 *
 * @param thresholdHigh grow when the forecast demand exceeds {@code size * thresholdHigh}; in (0, 1]
 * @param thresholdLow  shrink when the forecast demand is under {@code size * thresholdLow}; in (0, thresholdHigh)
 * @param growthFactor  the seed's multiplicative growth step; &gt; 1
 * @param shrinkFactor  the seed's multiplicative shrink step; in (0, 1)
 */
public record AdaptiveSettings(double thresholdHigh, double thresholdLow, double growthFactor, double shrinkFactor) {

    public static final double DEFAULT_THRESHOLD_HIGH = 0.8;
    public static final double DEFAULT_THRESHOLD_LOW = 0.3;
    public static final double DEFAULT_GROWTH_FACTOR = 1.5;
    public static final double DEFAULT_SHRINK_FACTOR = 0.8;

    public AdaptiveSettings {
        Ranges.openClosed("thresholdHigh", thresholdHigh, 0, 1);
        Ranges.open("thresholdLow", thresholdLow, 0, thresholdHigh);
        Ranges.above("growthFactor", growthFactor, 1);
        Ranges.open("shrinkFactor", shrinkFactor, 0, 1);
    }

    /** The values of the rule example in docs/http-api.md: 0.8, 0.3, 1.5, 0.8. */
    public static AdaptiveSettings defaults() {
        return new AdaptiveSettings(
                DEFAULT_THRESHOLD_HIGH, DEFAULT_THRESHOLD_LOW, DEFAULT_GROWTH_FACTOR, DEFAULT_SHRINK_FACTOR);
    }
}
