package dev.tokenplane.transfer.breaker;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One resilience4j circuit breaker per pool, guarding that pool's transfers.
 *
 * <p>A transfer is one call: the executor asks {@link CircuitBreaker#tryAcquirePermission()} before touching the
 * store and reports the outcome with its own measured duration, so a failure, a timeout (a failure too) and a slow
 * transfer (longer than {@code slowCallDurationThreshold}) all count. When the failure rate or the slow-call rate
 * over the sliding window passes its threshold, the breaker opens: for {@code waitDurationInOpenState} no transfer of
 * that pool is attempted and decisions fall back to each bucket's own tokens. After the wait, the next permission
 * request moves it to half-open, which lets {@code permittedNumberOfCallsInHalfOpenState} probes through; their
 * outcome closes or re-opens it. Time comes from the config's {@link java.time.Clock}, so tests drive it with a fake
 * clock and never sleep.
 *
 * <p>Each pool may have its own thresholds ({@link BreakerTuning}, from the pool's run-time settings): they are read
 * whenever a pool's breaker is asked for, and a pool whose thresholds changed gets a new breaker built from them,
 * closed and with an empty window, for its very next transfer.
 *
 * <p>Thread-safe.
 */
public final class PoolBreakers {

    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 20;
    public static final int DEFAULT_MINIMUM_NUMBER_OF_CALLS = 10;
    public static final float DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    public static final float DEFAULT_SLOW_CALL_RATE_THRESHOLD = 80;
    /** Half of the default decision-path budget of 2 ms. */
    public static final Duration DEFAULT_SLOW_TRANSFER = Duration.ofMillis(1);

    public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(5);
    public static final int DEFAULT_HALF_OPEN_PROBES = 3;

    private final CircuitBreakerRegistry registry;
    private final Function<String, BreakerTuning> tuning;
    /** The thresholds each pool's breaker was built with. */
    private final Map<String, BreakerTuning> builtWith = new ConcurrentHashMap<>();

    /** Breakers built from {@code config} (see {@link #defaults(InstantSource)}), every pool alike. */
    public PoolBreakers(CircuitBreakerConfig config) {
        this(config, pool -> BreakerTuning.NONE);
    }

    /**
     * Breakers built from {@code config} with each pool's own thresholds laid over it.
     *
     * @param tuning the pool's thresholds, {@link BreakerTuning#NONE} for none; fast and thread-safe (it is asked on
     *               every transfer)
     */
    public PoolBreakers(CircuitBreakerConfig config, Function<String, BreakerTuning> tuning) {
        this.registry = CircuitBreakerRegistry.of(config);
        this.tuning = tuning;
    }

    /** Breakers with the default settings, on {@code clock}. */
    public static PoolBreakers withDefaults(InstantSource clock) {
        return new PoolBreakers(defaults(clock).build());
    }

    /**
     * Our defaults, on {@code clock}, for the caller to adjust: a count-based window of the last 20 transfers, judged
     * once 10 are in; open at 50% failures or 80% slow transfers (over 1 ms); 5 s open; 3 probes half-open.
     * Count-based, because resilience4j's lock-free time-based window ignores the injected clock.
     */
    public static CircuitBreakerConfig.Builder defaults(InstantSource clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindow(
                        DEFAULT_SLIDING_WINDOW_SIZE,
                        DEFAULT_MINIMUM_NUMBER_OF_CALLS,
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(DEFAULT_FAILURE_RATE_THRESHOLD)
                .slowCallRateThreshold(DEFAULT_SLOW_CALL_RATE_THRESHOLD)
                .slowCallDurationThreshold(DEFAULT_SLOW_TRANSFER)
                .waitDurationInOpenState(DEFAULT_WAIT_IN_OPEN_STATE)
                .permittedNumberOfCallsInHalfOpenState(DEFAULT_HALF_OPEN_PROBES)
                .recordException(failure -> true)
                .clock(clock.withZone(ZoneOffset.UTC));
    }

    /** The pool's breaker, created closed on first use, and built again when the pool's thresholds changed. */
    public CircuitBreaker breaker(String pool) {
        BreakerTuning wanted = tuning.apply(pool);
        if (!wanted.equals(builtWith.get(pool))) {
            build(pool, wanted);
        }
        return registry.circuitBreaker(pool);
    }

    /** The configuration a breaker of {@code pool} would be built with now. */
    public CircuitBreakerConfig config(String pool) {
        return tuning.apply(pool).applyTo(registry.getDefaultConfig());
    }

    private synchronized void build(String pool, BreakerTuning wanted) {
        if (wanted.equals(builtWith.get(pool))) {
            return; // another thread built it meanwhile
        }
        CircuitBreakerConfig config = wanted.applyTo(registry.getDefaultConfig());
        if (registry.replace(pool, CircuitBreaker.of(pool, config)).isEmpty()) {
            registry.circuitBreaker(pool, config);
        }
        builtWith.put(pool, wanted);
    }

    /** The pool's state; closed for a pool that has had no transfer yet. */
    public BreakerState state(String pool) {
        return registry.find(pool).map(b -> BreakerState.of(b.getState())).orElse(BreakerState.CLOSED);
    }

    /** Every pool's state, by pool name: what the {@code bms_breaker_state} gauge shows. */
    public Map<String, BreakerState> states() {
        Map<String, BreakerState> states = new TreeMap<>();
        registry.getAllCircuitBreakers().forEach(b -> states.put(b.getName(), BreakerState.of(b.getState())));
        return states;
    }

    /** The underlying registry, for metrics binders and operators (forcing a breaker open, resetting it). */
    public CircuitBreakerRegistry registry() {
        return registry;
    }
}
