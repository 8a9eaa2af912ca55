package dev.tokenplane.bms.rules;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import dev.tokenplane.sizing.Forecaster;

/**
 * A rule's own tuning of the sizing policy: the optional {@code pressureTargets}, {@code forecaster} and
 * {@code damping} objects of {@code adaptive}. Each field left out (null) keeps the member's default, so a rule that
 * sets none sizes exactly as before. The same records are the input and the stored rule; {@code validate} runs once,
 * in {@link RuleInput#toRule}, and its messages name the field and its range.
 */
public final class SizingTuning {

    /** The most a per-rule growth step may be (+1000 %). */
    public static final double MAX_STEP_UP = 10;
    /** The longest per-rule cooldown: one hour. */
    public static final long MAX_COOLDOWN_MS = 3_600_000;
    /** The highest per-rule latency target: one hour. */
    public static final double MAX_LATENCY_TARGET_MS = 3_600_000;

    private SizingTuning() {}

    /**
     * The level of each signal that counts as full pressure; 0 ignores the signal.
     *
     * @param cpu            CPU utilisation, [0, 1] (default 1.0)
     * @param memory         memory utilisation, [0, 1] (default 1.0)
     * @param netUtilisation network utilisation, [0, 1] (default 1.0)
     * @param diskBusy       disk busy time, [0, 1] (default 1.0)
     * @param latencyP99Ms   latency p99 in ms, [0, 3600000] (default 1000)
     */
    public record PressureTargets(
            Double cpu, Double memory, Double netUtilisation, Double diskBusy, Double latencyP99Ms) {

        PressureTargets validate() {
            fraction("cpu", cpu);
            fraction("memory", memory);
            fraction("netUtilisation", netUtilisation);
            fraction("diskBusy", diskBusy);
            check(
                    latencyP99Ms == null || (latencyP99Ms >= 0 && latencyP99Ms <= MAX_LATENCY_TARGET_MS),
                    "adaptive.pressureTargets.latencyP99Ms must be in [0, " + (long) MAX_LATENCY_TARGET_MS + "], was "
                            + latencyP99Ms);
            return this;
        }

        private static void fraction(String field, Double value) {
            check(
                    value == null || (value >= 0 && value <= 1),
                    "adaptive.pressureTargets." + field + " must be in [0, 1], was " + value);
        }
    }

    /**
     * The demand forecaster and its parameters; a parameter left out takes the forecaster's default.
     *
     * @param type        {@code ewma} (default), {@code holt} or {@code seasonal}
     * @param alpha       level smoothing, (0, 1]
     * @param beta        trend smoothing: holt (0, 1], seasonal [0, 1]
     * @param phi         trend damping, holt only, (0, 1]
     * @param gamma       seasonal smoothing, seasonal only, (0, 1]
     * @param seasonTicks the season in sizing ticks, seasonal only and required there
     * @param seasonSlots seasonal indices kept, seasonal only
     * @param leadTicks   how far ahead a seasonal peak is looked for, seasonal only
     */
    public record ForecasterChoice(
            String type,
            Double alpha,
            Double beta,
            Double phi,
            Double gamma,
            Integer seasonTicks,
            Integer seasonSlots,
            Integer leadTicks) {

        ForecasterChoice validate() {
            check(
                    type != null && (type.equals("ewma") || type.equals("holt") || type.equals("seasonal")),
                    "adaptive.forecaster.type must be one of ewma, holt, seasonal, was " + type);
            onlyFor("phi", phi, "holt");
            onlyFor("gamma", gamma, "seasonal");
            onlyFor("seasonTicks", seasonTicks, "seasonal");
            onlyFor("seasonSlots", seasonSlots, "seasonal");
            onlyFor("leadTicks", leadTicks, "seasonal");
            check(beta == null || !type.equals("ewma"), "adaptive.forecaster.beta applies to holt and seasonal only");
            check(
                    !type.equals("seasonal") || seasonTicks != null,
                    "adaptive.forecaster.seasonTicks is required for the seasonal forecaster");
            try {
                toForecaster();
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("adaptive.forecaster." + e.getMessage());
            }
            return this;
        }

        private void onlyFor(String field, Object value, String forType) {
            check(
                    value == null || type.equals(forType),
                    "adaptive.forecaster." + field + " applies to " + forType + " only, not " + type);
        }

        /** The forecaster these settings describe (the sizing module checks the ranges). */
        public Forecaster toForecaster() {
            return switch (type) {
                case "holt" ->
                    new Forecaster.Holt(
                            or(alpha, Forecaster.Holt.DEFAULT_ALPHA),
                            or(beta, Forecaster.Holt.DEFAULT_BETA),
                            or(phi, Forecaster.Holt.DEFAULT_PHI));
                case "seasonal" -> {
                    Forecaster.Seasonal base = Forecaster.Seasonal.of(seasonTicks);
                    int slots = seasonSlots == null ? base.seasonSlots() : seasonSlots;
                    int lead = leadTicks == null ? Math.max(1, seasonTicks / Math.max(1, slots)) : leadTicks;
                    yield new Forecaster.Seasonal(
                            or(alpha, base.alpha()),
                            or(beta, base.beta()),
                            or(gamma, base.gamma()),
                            seasonTicks,
                            slots,
                            lead);
                }
                default -> new Forecaster.Ewma(or(alpha, Forecaster.Ewma.DEFAULT_ALPHA));
            };
        }
    }

    /**
     * The anti-oscillation rules a rule may change.
     *
     * @param maxStepUp   largest growth in one resize, as a fraction of the size, (0, 10] (default 0.5)
     * @param maxStepDown largest shrink in one resize, as a fraction of the size, (0, 1) (default 0.5)
     * @param minChange   the dead band of a resize: a change smaller than this fraction of the size is not made,
     *                    [0, 0.5] (default 0.05)
     * @param cooldownMs  least time between two resizes of a bucket, [0, 3600000] (default 2 sizing ticks)
     */
    public record Damping(Double maxStepUp, Double maxStepDown, Double minChange, Long cooldownMs) {

        Damping validate() {
            check(
                    maxStepUp == null || (maxStepUp > 0 && maxStepUp <= MAX_STEP_UP),
                    "adaptive.damping.maxStepUp must be in (0, " + (long) MAX_STEP_UP + "], was " + maxStepUp);
            check(
                    maxStepDown == null || (maxStepDown > 0 && maxStepDown < 1),
                    "adaptive.damping.maxStepDown must be in (0, 1), was " + maxStepDown);
            check(
                    minChange == null || (minChange >= 0 && minChange <= 0.5),
                    "adaptive.damping.minChange must be in [0, 0.5], was " + minChange);
            check(
                    cooldownMs == null || (cooldownMs >= 0 && cooldownMs <= MAX_COOLDOWN_MS),
                    "adaptive.damping.cooldownMs must be in [0, " + MAX_COOLDOWN_MS + "], was " + cooldownMs);
            return this;
        }
    }

    static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
