package dev.tokenplane.transfer.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/** A pool breaker's state as metrics and {@code GET /v1/pools/{pool}} show it. */
public enum BreakerState {
    /** Transfers are attempted. */
    CLOSED("closed"),
    /** No transfer is attempted; decisions use the bucket's own tokens. */
    OPEN("open"),
    /** A few probe transfers are let through to decide whether to close again. */
    HALF_OPEN("half_open");

    private final String label;

    BreakerState(String label) {
        this.label = label;
    }

    /** The value of the {@code state} label of {@code bms_breaker_state}. */
    public String label() {
        return label;
    }

    /**
     * resilience4j's state in our three: forced open counts as open; disabled and metrics-only (which let every call
     * through) count as closed.
     */
    public static BreakerState of(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> OPEN;
            case HALF_OPEN -> HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> CLOSED;
        };
    }
}
