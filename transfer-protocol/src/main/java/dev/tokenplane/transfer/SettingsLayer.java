package dev.tokenplane.transfer;

/**
 * The transfer settings one level sets: a bucket's override, its rule, or its pool. A null field is not set at this
 * level and falls through to the next (see {@link TransferSettings#resolve}).
 *
 * <p>This is where operator input enters, so it is validated here, once.
 *
 * @param canBorrow       whether buckets may receive tokens from the pool
 * @param canLend         whether buckets may give tokens to the pool
 * @param weight          fair-share weight, in (0, {@link TransferSettings#MAX_WEIGHT}], resolution 1/1000
 * @param reserveFraction fraction of capacity a lender keeps, in [0, 1], resolution 10<sup>-6</sup>
 */
public record SettingsLayer(Boolean canBorrow, Boolean canLend, Double weight, Double reserveFraction) {

    /** A level that sets nothing. */
    public static final SettingsLayer NONE = new SettingsLayer(null, null, null, null);

    public SettingsLayer {
        if (weight != null) {
            TransferSettings.requireWeight(weight);
        }
        if (reserveFraction != null) {
            TransferSettings.requireFraction("reserveFraction", reserveFraction);
        }
    }

    public SettingsLayer withCanBorrow(Boolean value) {
        return new SettingsLayer(value, canLend, weight, reserveFraction);
    }

    public SettingsLayer withCanLend(Boolean value) {
        return new SettingsLayer(canBorrow, value, weight, reserveFraction);
    }

    public SettingsLayer withWeight(Double value) {
        return new SettingsLayer(canBorrow, canLend, value, reserveFraction);
    }

    public SettingsLayer withReserveFraction(Double value) {
        return new SettingsLayer(canBorrow, canLend, weight, value);
    }
}
