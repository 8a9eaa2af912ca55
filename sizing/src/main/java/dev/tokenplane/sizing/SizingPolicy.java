package dev.tokenplane.sizing;

/**
 * Decides a bucket's next size from its demand and the load behind it, once per sizing tick.
 *
 * <h2>Formula</h2>
 * The base is the seed's {@link ClampFunction}, applied to a forecast of the demand:
 * <pre>
 * predicted = forecast(attempted tokens per second) * capacity / refillPerSecond   // in capacity units
 * if predicted &gt; size * thresholdHigh and pressure &lt; pressureHigh: grow
 * elif predicted &lt; size * thresholdLow or pressure &gt; pressureHigh:   shrink (for demand) or shed (for pressure)
 * else:                                                             hold (the dead band)
 * new = clamp(new, minCapacity, maxCapacity)
 * </pre>
 * {@code pressure} is the {@link PressureConfig#level(LoadSample) level} of the latest load sample (not clamped: a
 * latency p99 twice its target is 2), smoothed ({@link PressureConfig#smoothing()}) and clamped to 1, except that a
 * saturated sample (level 1 or more) is acted on at once, and that a shed needs the newest sample to confirm it: when
 * the smoothed pressure is above pressureHigh, the policy acts on the lower of it and the newest sample's (a burst or a
 * queue that has passed does not shed again, and a shed sheds only the excess both agree on).
 * Then the damping, in this order (each rule has its {@link SizingReason}):
 * <ol>
 *   <li><b>pinned</b> (an override): hold. <b>Outside [min, max]</b> (the rule changed): clamp at once.
 *   <li><b>missing or stale data</b>: no demand window, no load report for a load-driven bucket, or a report older
 *       than {@code staleAfterMillis}: hold.
 *   <li><b>grow</b> to {@code max(size * growthFactor, predicted / bandMiddle)}, where {@code bandMiddle} is the
 *       utilisation halfway between the thresholds; but not while app-limited (granted &lt;
 *       {@code appLimitedFraction * size}, unless the forecaster {@link Forecaster#anticipates() anticipates} a
 *       seasonal peak), not within {@code cooldownMillis} of the last resize nor
 *       {@code growthHoldAfterShedMillis} of the last shed, at most by {@code maxStepUp}, and within the headroom:
 *       no further than {@code granted * sqrt(pressureTarget / pressure)}: halfway, geometrically, to the size whose
 *       load would reach pressureTarget if load grew with size (load is not linear in size near saturation).
 *   <li><b>shrink for demand</b> to {@code min(size * shrinkFactor, predicted / bandMiddle)}, at most by
 *       {@code maxStepDown}, never below {@code predicted / thresholdHigh} (which would grow back next tick), not within
 *       the cooldown.
 *   <li><b>shed for pressure</b> to {@code granted * pressureTarget / pressure}, at most by {@code maxStepDown}, not
 *       within the cooldown. The step is proportional to the excess, where the seed takes a fixed shrinkFactor (too
 *       much for a small excess, which then grows back: oscillation; too little for a large one). But not while the
 *       last shed is draining the queue: within {@code growthHoldAfterShedMillis} of it, a sample whose level is
 *       under {@link #DRAINING_FALL} of the smoothed level before it holds ({@link SizingReason#HOLD_DRAINING}). A
 *       queue built during an overload keeps the server saturated for a few ticks after a shed, and shedding again
 *       for it undershoots (the size then has to climb back).
 *   <li>a resize smaller than {@code minChangeFraction} of the size is not made (unless it reaches min or max).
 * </ol>
 * Growth rounds up and shrinking rounds down, so a small bucket still moves by at least one token. After a resize the
 * refill is {@code capacity * refillPerCapacity} (the rule's ratio). The forecast is updated on every call that has
 * demand data, holds included, so it is warm when a hold ends.
 *
 * <h2>Use</h2>
 * Call {@link #decide(long, SizingInput)} once per tick per bucket with the caller's clock, store
 * {@link SizingDecision#state()} with the bucket, and apply {@link SizingDecision#capacity()} and
 * {@link SizingDecision#refillPerSecond()} when {@link SizingDecision#resized()}.
 *
 * <p>Immutable and thread-safe; no clock, no I/O.
 */
public final class SizingPolicy {

    /**
     * After a shed, a sample whose pressure level is under this fraction of the smoothed level before it shows the
     * overload passing (a queue draining), not going on: no further shed then.
     */
    public static final double DRAINING_FALL = 0.3;

    private final SizingConfig config;

    public SizingPolicy(SizingConfig config) {
        this.config = Ranges.required("config", config);
    }

    /** A policy with {@link SizingConfig#defaults()}. */
    public static SizingPolicy withDefaults() {
        return new SizingPolicy(SizingConfig.defaults());
    }

    public SizingConfig config() {
        return config;
    }

    /**
     * The decision for one bucket at {@code nowMillis}.
     *
     * @param nowMillis the caller's clock, epoch millis (the same clock as the times in {@code input})
     * @param input     the bucket's size, limits, settings, demand, load and state
     */
    public SizingDecision decide(long nowMillis, SizingInput input) {
        Forecaster forecaster = config.forecaster();
        DemandWindow demand = input.demand();
        ForecastState forecast = demand.hasData()
                ? forecaster.update(input.state().forecast(), demand.attemptedPerSecond())
                : input.state().forecast();
        return new Tick(nowMillis, input, input.state().withForecast(forecast), forecaster.predict(forecast)).decide();
    }

    /**
     * How many tokens per second the bucket of {@code decision} (taken at {@code nowMillis}) may borrow from its pool
     * until its next decision. Borrowed tokens are a growth beyond the size, so the growth rule's limits hold: nothing
     * within {@code growthHoldAfterShedMillis} of a shed for pressure or once the load pressure the decision used has
     * reached the point where growth stops ({@code pressureTarget / (1 + minChangeFraction)^2}), and otherwise at most
     * the headroom a growth would take, {@code capacity * (sqrt(pressureTarget / pressure) - 1)}. Tokens borrowed
     * beyond that are requests admitted past what the server can serve well: a region that lost servers would refill
     * its shrunken buckets from the other regions. Without a load signal (pressure 0) there is no limit.
     */
    public double borrowLimitPerSecond(long nowMillis, SizingDecision decision) {
        DampingConfig damping = config.damping();
        double target = config.pressure().pressureTarget();
        double pressure = decision.pressure();
        if (pressure >= target / Math.pow(1 + damping.minChangeFraction(), 2)
                || !SizingState.elapsed(
                        nowMillis, decision.state().lastShedAtMillis(), damping.growthHoldAfterShedMillis())) {
            return 0;
        }
        return pressure <= 0 ? Double.POSITIVE_INFINITY : decision.capacity() * (Math.sqrt(target / pressure) - 1);
    }

    /** One decision: the inputs and the derived figures every rule reads. */
    private final class Tick {
        private static final double ROUNDING_SLACK = 1e-9;

        private final long now;
        private final SizingInput in;
        private SizingState state;
        private final double predictedPerSecond;
        private final long size;
        private final SizeLimits limits;
        private final DampingConfig damping;
        private final double pressureHigh;
        private final double pressureTarget;

        Tick(long now, SizingInput in, SizingState state, double predictedPerSecond) {
            this.now = now;
            this.in = in;
            this.state = state;
            this.predictedPerSecond = predictedPerSecond;
            this.size = in.current().capacity();
            this.limits = in.limits();
            this.damping = config.damping();
            this.pressureHigh = config.pressure().pressureHigh();
            this.pressureTarget = config.pressure().pressureTarget();
        }

        SizingDecision decide() {
            if (in.pinned()) {
                return hold(SizingReason.HOLD_PINNED, 0);
            }
            long clamped = limits.clamp(size);
            if (clamped != size) {
                return resize(clamped, SizingReason.CLAMPED, 0);
            }
            if (!in.demand().hasData()) {
                return hold(SizingReason.HOLD_NO_DEMAND_DATA, 0);
            }
            double pressure = 0;
            boolean draining = false;
            if (in.load() instanceof LoadSignal.Missing) {
                return hold(SizingReason.HOLD_LOAD_MISSING, 0);
            } else if (in.load() instanceof LoadSignal.Reported reported) {
                LoadSample sample = reported.sample();
                // a sample stamped ahead of our clock (another member's clock) counts as fresh
                if (now - sample.atMillis() > damping.staleAfterMillis()) {
                    return hold(SizingReason.HOLD_LOAD_STALE, 0);
                }
                double level = config.pressure().level(sample);
                draining = drainingAfterShed(level, sample.atMillis());
                state = smoothPressure(level, sample.atMillis());
                double smoothed = Math.min(1, state.pressure());
                // a saturated signal is acted on at once; anything short of it is smoothed, so noise does not resize,
                // and a shed needs the newest sample to agree (a burst or a queue that has passed does not shed)
                pressure = level >= 1 ? 1 : smoothed > pressureHigh ? Math.min(smoothed, level) : smoothed;
            }

            // demand in capacity units: tokens per the time the bucket takes to refill from empty
            double secondsToFill = size / in.current().refillPerSecond();
            double predicted = predictedPerSecond * secondsToFill;
            double granted = in.demand().grantedPerSecond() * secondsToFill;

            ClampFunction.Step seed =
                    ClampFunction.apply(predicted, size, pressure, pressureHigh, in.settings(), limits);
            return switch (seed.reason()) {
                case GROW_DEMAND -> grow(predicted, granted, pressure);
                case SHRINK_DEMAND -> shrinkForDemand(predicted, pressure);
                case SHRINK_PRESSURE -> draining ? hold(SizingReason.HOLD_DRAINING, pressure) : shed(granted, pressure);
                default -> hold(seed.reason(), pressure);
            };
        }

        private SizingDecision grow(double predicted, double granted, double pressure) {
            if (granted < size * damping.appLimitedFraction()
                    && !config.forecaster().anticipates()) {
                return hold(SizingReason.HOLD_APP_LIMITED, pressure);
            }
            if (size >= limits.maxCapacity()) {
                return hold(SizingReason.HOLD_AT_LIMIT, pressure);
            }
            if (!SizingState.elapsed(now, state.lastResizeAtMillis(), damping.cooldownMillis())) {
                return hold(SizingReason.HOLD_COOLDOWN, pressure);
            }
            if (!SizingState.elapsed(now, state.lastShedAtMillis(), damping.growthHoldAfterShedMillis())) {
                return hold(SizingReason.HOLD_AFTER_SHED, pressure);
            }
            // the seed's step, or further towards the middle of the dead band if the forecast is further out
            double target = Math.max(size * in.settings().growthFactor(), predicted / bandMiddle());
            target = Math.min(target, size * (1 + damping.maxStepUp()));
            if (pressure > 0) {
                // halfway (geometrically) to the size whose load would reach pressureTarget if load grew with size:
                // load is not linear in size near saturation (latency grows as 1 / (1 - rho)), so the full step would
                // overshoot. With the minimum change, growth stops near pressureTarget / (1 + minChange)^2
                target = Math.min(target, granted * Math.sqrt(pressureTarget / pressure));
            }
            long next = limits.clamp((long) Math.ceil(target - ROUNDING_SLACK));
            if (next <= size) {
                return hold(SizingReason.HOLD_NO_HEADROOM, pressure);
            }
            if (next < limits.maxCapacity() && next - size < minChange() * size - ROUNDING_SLACK) {
                return hold(SizingReason.HOLD_SMALL_CHANGE, pressure);
            }
            return resize(next, SizingReason.GROW_DEMAND, pressure);
        }

        private SizingDecision shrinkForDemand(double predicted, double pressure) {
            if (size <= limits.minCapacity()) {
                return hold(SizingReason.HOLD_AT_LIMIT, pressure);
            }
            if (!SizingState.elapsed(now, state.lastResizeAtMillis(), damping.cooldownMillis())) {
                return hold(SizingReason.HOLD_COOLDOWN, pressure);
            }
            // the seed's step, or further towards the middle of the dead band, so noise does not cross its edge again
            double target = Math.min(size * in.settings().shrinkFactor(), predicted / bandMiddle());
            target = Math.max(target, size * (1 - damping.maxStepDown()));
            long next = (long) Math.floor(target + ROUNDING_SLACK);
            next = Math.max(next, (long) Math.ceil(predicted / in.settings().thresholdHigh() - ROUNDING_SLACK));
            return shrinkTo(limits.clamp(next), SizingReason.SHRINK_DEMAND, pressure);
        }

        private SizingDecision shed(double granted, double pressure) {
            if (size <= limits.minCapacity()) {
                return hold(SizingReason.HOLD_AT_LIMIT, pressure);
            }
            if (!SizingState.elapsed(now, state.lastResizeAtMillis(), damping.cooldownMillis())) {
                return hold(SizingReason.HOLD_COOLDOWN, pressure);
            }
            double target = Math.min(size, granted * pressureTarget / pressure);
            target = Math.max(target, size * (1 - damping.maxStepDown()));
            return shrinkTo(
                    limits.clamp((long) Math.floor(target + ROUNDING_SLACK)), SizingReason.SHRINK_PRESSURE, pressure);
        }

        private SizingDecision shrinkTo(long next, SizingReason reason, double pressure) {
            if (next >= size || (next > limits.minCapacity() && size - next < minChange() * size - ROUNDING_SLACK)) {
                return hold(SizingReason.HOLD_SMALL_CHANGE, pressure);
            }
            return resize(next, reason, pressure);
        }

        /**
         * Whether a new sample's level shows the queue of an overload draining after our last shed: within
         * growthHoldAfterShedMillis of the shed, and under {@link #DRAINING_FALL} of the smoothed level before it.
         */
        private boolean drainingAfterShed(double level, long sampleAtMillis) {
            long previousAt = state.pressureSampleAtMillis();
            if (previousAt == SizingState.NEVER
                    || sampleAtMillis <= previousAt
                    || sampleAtMillis - previousAt > damping.staleAfterMillis()) {
                return false; // nothing recent to compare with, or a sample already counted
            }
            return state.lastShedAtMillis() != SizingState.NEVER
                    && !SizingState.elapsed(now, state.lastShedAtMillis(), damping.growthHoldAfterShedMillis())
                    && level < DRAINING_FALL * state.pressure();
        }

        /** The state with a sample's pressure folded into the smoothed pressure, once per sample. */
        private SizingState smoothPressure(double raw, long sampleAtMillis) {
            long previousAt = state.pressureSampleAtMillis();
            if (previousAt == SizingState.NEVER || sampleAtMillis - previousAt > damping.staleAfterMillis()) {
                return state.withPressure(raw, sampleAtMillis); // nothing recent to smooth with
            }
            if (sampleAtMillis <= previousAt) {
                return state; // already counted
            }
            double alpha = config.pressure().smoothing();
            return state.withPressure(alpha * raw + (1 - alpha) * state.pressure(), sampleAtMillis);
        }

        private double minChange() {
            return damping.minChangeFraction();
        }

        /** The utilisation in the middle of the dead band, where noise is furthest from both thresholds. */
        private double bandMiddle() {
            return (in.settings().thresholdLow() + in.settings().thresholdHigh()) / 2;
        }

        private SizingDecision hold(SizingReason reason, double pressure) {
            return new SizingDecision(
                    size, size, in.current().refillPerSecond(), reason, state, predictedPerSecond, pressure);
        }

        private SizingDecision resize(long next, SizingReason reason, double pressure) {
            SizingState after = state.resizedAt(now, reason == SizingReason.SHRINK_PRESSURE);
            return new SizingDecision(size, next, limits.refillFor(next), reason, after, predictedPerSecond, pressure);
        }
    }
}
