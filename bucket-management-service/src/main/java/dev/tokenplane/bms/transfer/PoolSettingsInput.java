package dev.tokenplane.bms.transfer;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import dev.tokenplane.bms.rules.RuleInput;
import dev.tokenplane.transfer.SettingsLayer;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.breaker.BreakerTuning;
import dev.tokenplane.transfer.pool.BorrowBudget;

/**
 * The body of {@code PUT /v1/pools/{pool}/settings}: each field optional, an absent (or null) field not set at the
 * pool level. {@code pool}, {@code version} and {@code updatedAt} may be echoed back from a read; {@code pool} must
 * then equal the path's. {@code breaker} and {@code borrowBudget} check their own fields as they are read (a value out
 * of range answers 400 naming it, see {@link BreakerTuning} and {@link BorrowBudget}).
 */
public record PoolSettingsInput(
        String pool,
        Boolean canBorrow,
        Boolean canLend,
        Double weight,
        Double reserveFraction,
        BreakerTuning breaker,
        BorrowBudget borrowBudget,
        Long version,
        Long updatedAt) {

    /** Checks a pool name from a path. */
    public static void checkPool(String pool) {
        check(pool != null && RuleInput.NAME.matcher(pool).matches(), "pool must match [A-Za-z0-9._-]{1,128}");
    }

    /**
     * Validates this input for {@code poolName}.
     *
     * @throws dev.tokenplane.bms.rules.InvalidInputException naming the first field out of range
     */
    public SettingsLayer toLayer(String poolName) {
        checkPool(poolName);
        check(pool == null || pool.equals(poolName), "pool must be absent or equal the pool in the path");
        check(
                weight == null || (weight > 0 && weight <= TransferSettings.MAX_WEIGHT),
                "weight must be in (0, " + TransferSettings.MAX_WEIGHT + "], was " + weight);
        check(
                reserveFraction == null || (reserveFraction >= 0 && reserveFraction <= 1),
                "reserveFraction must be in [0, 1], was " + reserveFraction);
        return new SettingsLayer(canBorrow, canLend, weight, reserveFraction);
    }
}
