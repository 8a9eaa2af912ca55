package dev.tokenplane.transfer.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;

/**
 * One pool's thresholds for its breaker, set by operators at run time; a null field keeps the member's configuration
 * (by default {@link PoolBreakers#defaults}). Validated here, once, with messages that name the field.
 *
 * @param failureRateThreshold                  percentage of failed transfers that opens the breaker, in (0, 100]
 * @param slowCallRateThreshold                 percentage of slow transfers that opens it, in (0, 100]
 * @param slowCallDurationThresholdMs           a transfer longer than this is slow, ms, in [1, 60000]
 * @param slidingWindowSize                     how many of the last transfers are judged, in [1, 10000]
 * @param minimumNumberOfCalls                  transfers in the window before it is judged at all, in [1, 10000]
 *                                              (at most {@code slidingWindowSize} when both are set)
 * @param waitDurationInOpenStateMs             how long it stays open, ms, in [1, 3600000]
 * @param permittedNumberOfCallsInHalfOpenState probes let through half-open, in [1, 1000]
 */
public record BreakerTuning(
        Double failureRateThreshold,
        Double slowCallRateThreshold,
        Long slowCallDurationThresholdMs,
        Integer slidingWindowSize,
        Integer minimumNumberOfCalls,
        Long waitDurationInOpenStateMs,
        Integer permittedNumberOfCallsInHalfOpenState) {

    /** Sets nothing: the member's configuration as is. */
    public static final BreakerTuning NONE = new BreakerTuning(null, null, null, null, null, null, null);

    public static final long MAX_SLOW_CALL_MS = 60_000;
    public static final int MAX_WINDOW = 10_000;
    public static final long MAX_OPEN_MS = 3_600_000;
    public static final int MAX_HALF_OPEN_PROBES = 1_000;

    public BreakerTuning {
        percentage("failureRateThreshold", failureRateThreshold);
        percentage("slowCallRateThreshold", slowCallRateThreshold);
        range("slowCallDurationThresholdMs", slowCallDurationThresholdMs, MAX_SLOW_CALL_MS);
        range("slidingWindowSize", slidingWindowSize, MAX_WINDOW);
        range("minimumNumberOfCalls", minimumNumberOfCalls, MAX_WINDOW);
        range("waitDurationInOpenStateMs", waitDurationInOpenStateMs, MAX_OPEN_MS);
        range("permittedNumberOfCallsInHalfOpenState", permittedNumberOfCallsInHalfOpenState, MAX_HALF_OPEN_PROBES);
        if (slidingWindowSize != null && minimumNumberOfCalls != null && minimumNumberOfCalls > slidingWindowSize) {
            throw new IllegalArgumentException("minimumNumberOfCalls must be at most slidingWindowSize ("
                    + slidingWindowSize + "), was " + minimumNumberOfCalls);
        }
    }

    /** {@code base} with every field set here replaced; the window stays count-based. */
    public CircuitBreakerConfig applyTo(CircuitBreakerConfig base) {
        CircuitBreakerConfig.Builder b = CircuitBreakerConfig.from(base);
        if (slidingWindowSize != null || minimumNumberOfCalls != null) {
            b.slidingWindow(
                    slidingWindowSize != null ? slidingWindowSize : base.getSlidingWindowSize(),
                    minimumNumberOfCalls != null ? minimumNumberOfCalls : base.getMinimumNumberOfCalls(),
                    CircuitBreakerConfig.SlidingWindowType.COUNT_BASED);
        }
        if (failureRateThreshold != null) {
            b.failureRateThreshold(failureRateThreshold.floatValue());
        }
        if (slowCallRateThreshold != null) {
            b.slowCallRateThreshold(slowCallRateThreshold.floatValue());
        }
        if (slowCallDurationThresholdMs != null) {
            b.slowCallDurationThreshold(Duration.ofMillis(slowCallDurationThresholdMs));
        }
        if (waitDurationInOpenStateMs != null) {
            b.waitDurationInOpenState(Duration.ofMillis(waitDurationInOpenStateMs));
        }
        if (permittedNumberOfCallsInHalfOpenState != null) {
            b.permittedNumberOfCallsInHalfOpenState(permittedNumberOfCallsInHalfOpenState);
        }
        return b.build();
    }

    private static void percentage(String field, Double value) {
        if (value != null && !(value > 0 && value <= 100)) {
            throw new IllegalArgumentException(field + " must be in (0, 100], was " + value);
        }
    }

    private static void range(String field, Number value, long max) {
        if (value != null && !(value.longValue() >= 1 && value.longValue() <= max)) {
            throw new IllegalArgumentException(field + " must be in [1, " + max + "], was " + value);
        }
    }
}
