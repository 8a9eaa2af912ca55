package dev.tokenplane.transfer;

import java.util.function.Function;

/**
 * The transfer settings in force for one bucket, after resolution (see {@link #resolve}): a bucket's override, its
 * rule and its pool's run-time settings, then the defaults.
 *
 * @param pool            the pool the bucket belongs to (from its rule)
 * @param region          where the bucket runs (from its rule); empty when unknown
 * @param canBorrow       whether it may receive tokens
 * @param canLend         whether it may give tokens
 * @param weight          fair-share weight, in (0, {@link #MAX_WEIGHT}]
 * @param reserveFraction fraction of its capacity it never lends, in [0, 1]
 */
public record TransferSettings(
        String pool, String region, boolean canBorrow, boolean canLend, double weight, double reserveFraction) {

    public static final boolean DEFAULT_CAN_BORROW = true;
    public static final boolean DEFAULT_CAN_LEND = true;
    public static final double DEFAULT_WEIGHT = 1.0;
    public static final double DEFAULT_RESERVE_FRACTION = 0.1;
    /** Weight units per unit of weight: weights resolve to thousandths. */
    public static final long WEIGHT_UNITS = 1_000;

    public static final double MAX_WEIGHT = 1_000_000;
    public static final long MAX_WEIGHT_UNITS = (long) MAX_WEIGHT * WEIGHT_UNITS;

    public TransferSettings {
        if (pool == null || pool.isEmpty()) {
            throw new IllegalArgumentException("pool is required");
        }
        if (region == null) {
            throw new IllegalArgumentException("region is required (empty when unknown)");
        }
        requireWeight(weight);
        requireFraction("reserveFraction", reserveFraction);
    }

    /**
     * The settings of a bucket from its three levels.
     *
     * <ul>
     *   <li>{@code canBorrow}, {@code canLend}: the first of {@code override}, {@code rule} that sets it, else the
     *       default; and off whenever the pool level says {@code false}. The pool's switches are the operators'
     *       kill switches for a whole pool: they only ever turn borrowing or lending off, whatever rules and overrides
     *       say ({@code true} at the pool turns nothing on).</li>
     *   <li>{@code weight}, {@code reserveFraction}: the first of {@code override}, {@code poolLevel}, {@code rule}
     *       that sets it, else the default. The pool's run-time value stands above the rule's because a rule always
     *       carries both (its defaults filled in), so below it the pool level could never apply; a bucket's override
     *       stays the most specific.</li>
     * </ul>
     *
     * @param pool      the bucket's pool, from its rule
     * @param region    the bucket's region, from its rule (null counts as unknown)
     * @param override  the bucket's override, or {@link SettingsLayer#NONE} (null counts as none)
     * @param rule      the rule's transfer settings, or {@link SettingsLayer#NONE}
     * @param poolLevel the pool's run-time settings, or {@link SettingsLayer#NONE}
     */
    public static TransferSettings resolve(
            String pool, String region, SettingsLayer override, SettingsLayer rule, SettingsLayer poolLevel) {
        SettingsLayer[] switches = {override, rule};
        SettingsLayer[] values = {override, poolLevel, rule};
        boolean canBorrow = first(DEFAULT_CAN_BORROW, switches, SettingsLayer::canBorrow)
                && !switchedOff(poolLevel, SettingsLayer::canBorrow);
        boolean canLend = first(DEFAULT_CAN_LEND, switches, SettingsLayer::canLend)
                && !switchedOff(poolLevel, SettingsLayer::canLend);
        return new TransferSettings(
                pool,
                region == null ? "" : region,
                canBorrow,
                canLend,
                first(DEFAULT_WEIGHT, values, SettingsLayer::weight),
                first(DEFAULT_RESERVE_FRACTION, values, SettingsLayer::reserveFraction));
    }

    /** The weight in the integer units the planner divides by: {@code max(1, round(weight · 1000))}. */
    public long weightUnits() {
        return Math.max(1, Math.round(weight * WEIGHT_UNITS));
    }

    /** This bucket as a borrower of {@code demandNanos} at {@code pressure}. */
    public Borrower borrower(String key, long demandNanos, double pressure) {
        return new Borrower(key, demandNanos, weightUnits(), region, canBorrow, pressure);
    }

    /** This bucket as a lender holding {@code tokensNanos} of {@code capacity} tokens, without a forecast. */
    public Lender lender(String key, long tokensNanos, long capacity) {
        return lender(key, tokensNanos, capacity, 0);
    }

    /**
     * This bucket as a lender holding {@code tokensNanos} of {@code capacity} tokens, whose forecast demand over the
     * pool's horizon is {@code forecastNanos} (see {@link LendingReserve}).
     */
    public Lender lender(String key, long tokensNanos, long capacity, long forecastNanos) {
        return new Lender(key, tokensNanos, capacity, reserveFraction, region, canLend, forecastNanos);
    }

    private static boolean switchedOff(SettingsLayer level, Function<SettingsLayer, Boolean> field) {
        return level != null && Boolean.FALSE.equals(field.apply(level));
    }

    private static <T> T first(T fallback, SettingsLayer[] levels, Function<SettingsLayer, T> field) {
        for (SettingsLayer level : levels) {
            T value = level == null ? null : field.apply(level);
            if (value != null) {
                return value;
            }
        }
        return fallback;
    }

    static void requireWeight(double weight) {
        if (!(weight > 0 && weight <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("weight must be in (0, " + MAX_WEIGHT + "], was " + weight);
        }
    }

    static void requireFraction(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], was " + value);
        }
    }
}
