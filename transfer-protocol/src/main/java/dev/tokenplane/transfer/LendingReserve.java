package dev.tokenplane.transfer;

import dev.tokenplane.store.Tokens;
import java.time.Duration;

/**
 * Adaptive lending: a lender's reserve follows its own demand forecast, so a bucket whose demand is forecast to rise
 * lends less.
 * <pre>
 *   forecast = min(capacity, demandPerSecond · horizon)          (nanotokens)
 *   reserve  = max(capacity · reserveFraction, forecast)
 * </pre>
 * {@code demandPerSecond} is the sizing loop's forecast of the bucket's demand (what its forecaster predicts for the
 * next tick), and the {@code horizon} is how long lent tokens stay away before the pool is looked at again: one
 * sizing interval (the next tick sees the lender's new demand and tokens, and may move tokens back). A lender keeps at
 * least what it expects to serve over that time; without a forecast (a fixed-size rule, or a bucket not sized yet)
 * its reserve is the configured fraction, as before.
 *
 * <p>Pure and stateless: time enters only as the horizon, and the forecast as a number.
 */
public final class LendingReserve {

    private final long horizonMillis;

    /** A reserve covering {@code horizon} of forecast demand (at least 1 ms). */
    public LendingReserve(Duration horizon) {
        if (horizon == null || horizon.toMillis() < 1) {
            throw new IllegalArgumentException("horizon must be at least 1 ms, was " + horizon);
        }
        this.horizonMillis = horizon.toMillis();
    }

    public long horizonMillis() {
        return horizonMillis;
    }

    /**
     * The forecast demand over the horizon, nanotokens, in [0, capacity]: what the lender keeps for itself on account
     * of its forecast. A negative, NaN or unknown forecast counts as none.
     *
     * @param demandPerSecond the forecast demand, tokens per second
     * @param capacity        the lender's capacity, tokens
     */
    public long forecastNanos(double demandPerSecond, long capacity) {
        if (!(demandPerSecond > 0)) {
            return 0;
        }
        double nanos = demandPerSecond * horizonMillis / 1_000.0 * Tokens.SCALE;
        long capacityNanos = capacity * Tokens.SCALE;
        return nanos >= capacityNanos ? capacityNanos : (long) Math.ceil(nanos);
    }

    /**
     * The reserve: the larger of the configured one and the forecast, never above the capacity.
     *
     * @param configuredNanos {@code capacity · reserveFraction}, nanotokens
     * @param forecastNanos   {@link #forecastNanos}, nanotokens, at least 0
     * @param capacity        the lender's capacity, tokens
     */
    public static long reserveNanos(long configuredNanos, long forecastNanos, long capacity) {
        return Math.max(configuredNanos, Math.min(forecastNanos, capacity * Tokens.SCALE));
    }
}
