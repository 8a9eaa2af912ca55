package dev.tokenplane.bms.rules;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.PriorityReserves;
import dev.tokenplane.store.Tokens;
import java.util.regex.Pattern;

/**
 * The body of {@code PUT /v1/rules/{ruleId}} (and an entry of a rules file): every field optional at the JSON level, so
 * that a missing field is reported by name here rather than as a mapping error. {@code id}, {@code version},
 * {@code updatedAt} and {@code managedBy} may be echoed back from a {@code GET} (and are ignored); the version is not a
 * precondition (use {@code If-Match}). The refill is {@code refillPerSecond} or {@code refill}, tokens per period
 * ({@link RefillInput}).
 */
public record RuleInput(
        String id,
        String match,
        Long capacity,
        Double refillPerSecond,
        Long minCapacity,
        Long maxCapacity,
        Algorithm algorithm,
        Long idleTtlSeconds,
        Long maxBuckets,
        Boolean shadow,
        AdaptiveInput adaptive,
        TransferInput transfer,
        Long version,
        Long updatedAt,
        String tier,
        RefillInput refill,
        PriorityReservesInput priorityReserves) {

    public static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    public static final long DEFAULT_IDLE_TTL_SECONDS = 600;
    public static final long MAX_IDLE_TTL_SECONDS = 365L * 24 * 3600;
    public static final double MAX_WEIGHT = 1_000_000;
    public static final double MAX_GROWTH_FACTOR = 100;
    /** The largest {@code maxBuckets} of a rule (a member's own budget is usually far lower). */
    public static final long MAX_BUCKETS = 1_000_000_000L;

    public record AdaptiveInput(
            Boolean enabled,
            Double thresholdHigh,
            Double thresholdLow,
            Double growthFactor,
            Double shrinkFactor,
            SizingTuning.PressureTargets pressureTargets,
            SizingTuning.ForecasterChoice forecaster,
            SizingTuning.Damping damping) {

        /** The thresholds and factors only, with the member's default tuning. */
        public AdaptiveInput(
                Boolean enabled, Double thresholdHigh, Double thresholdLow, Double growthFactor, Double shrinkFactor) {
            this(enabled, thresholdHigh, thresholdLow, growthFactor, shrinkFactor, null, null, null);
        }
    }

    /**
     * The priority reserves as written: each class left out takes its default ({@link PriorityReserves#DEFAULTS}).
     */
    public record PriorityReservesInput(Double high, Double normal, Double low) {

        /** The reserves, validated: each in [0, 1), and low >= normal >= high. */
        PriorityReserves validate() {
            double h = fraction("high", high, PriorityReserves.DEFAULTS.high());
            double n = fraction("normal", normal, PriorityReserves.DEFAULTS.normal());
            double l = fraction("low", low, PriorityReserves.DEFAULTS.low());
            check(
                    h <= n && n <= l,
                    "priorityReserves must be monotone (low >= normal >= high; a class left out takes its default "
                            + "high 0.05, normal 0.1, low 0.2), was high " + h + ", normal " + n + ", low " + l);
            return new PriorityReserves(h, n, l);
        }

        private static double fraction(String name, Double value, double fallback) {
            double v = value == null ? fallback : value;
            check(v >= 0 && v < 1, "priorityReserves." + name + " must be in [0, 1), was " + v);
            return v;
        }
    }

    public record TransferInput(
            String pool, Boolean canBorrow, Boolean canLend, Double weight, String region, Double reserveFraction) {}

    /** Checks a rule id from a path or a file. */
    public static void checkRuleId(String ruleId) {
        check(ruleId != null && RULE_ID.matcher(ruleId).matches(), "ruleId must match [A-Za-z0-9._-]{1,128}");
    }

    /**
     * Validates this input and fills in the defaults.
     *
     * @throws InvalidInputException naming the first field that is missing or out of range
     */
    public Rule toRule(String ruleId) {
        checkRuleId(ruleId);
        check(id == null || id.equals(ruleId), "id must be absent or equal the ruleId in the path");
        check(match != null, "match is required");
        RulePattern.compile(match);
        check(capacity != null, "capacity is required");
        check(
                capacity >= 1 && capacity <= Tokens.MAX_CAPACITY,
                "capacity must be in [1, " + Tokens.MAX_CAPACITY + "], was " + capacity);
        double perSecond = refillRate();
        checkRefill(refill == null ? "refillPerSecond" : "refill (tokens per period)", perSecond);
        long min = minCapacity == null ? capacity : minCapacity;
        long max = maxCapacity == null ? capacity : maxCapacity;
        check(min >= 1, "minCapacity must be >= 1, was " + min);
        check(max <= Tokens.MAX_CAPACITY, "maxCapacity must be <= " + Tokens.MAX_CAPACITY + ", was " + max);
        check(
                min <= capacity && capacity <= max,
                "minCapacity <= capacity <= maxCapacity must hold, was " + min + " <= " + capacity + " <= " + max);
        long ttl = idleTtlSeconds == null ? DEFAULT_IDLE_TTL_SECONDS : idleTtlSeconds;
        check(
                ttl >= 0 && ttl <= MAX_IDLE_TTL_SECONDS,
                "idleTtlSeconds must be in [0, " + MAX_IDLE_TTL_SECONDS + "], was " + ttl);
        check(
                maxBuckets == null || (maxBuckets >= 1 && maxBuckets <= MAX_BUCKETS),
                "maxBuckets must be in [1, " + MAX_BUCKETS + "], was " + maxBuckets);
        // A wildcard creates a bucket per distinct key: buckets that never expire must at least be counted.
        check(
                ttl > 0 || maxBuckets != null || !match.contains("*"),
                "idleTtlSeconds 0 (buckets never expire) on a pattern with '*' needs maxBuckets: set idleTtlSeconds "
                        + "> 0 or maxBuckets");
        check(tier == null || NAME.matcher(tier).matches(), "tier must match [A-Za-z0-9._-]{1,128}");
        return new Rule(
                ruleId,
                match,
                capacity,
                perSecond,
                min,
                max,
                algorithm == null ? Algorithm.TOKEN_BUCKET : algorithm,
                ttl,
                maxBuckets,
                Boolean.TRUE.equals(shadow),
                adaptive == null ? null : adaptive(adaptive),
                transfer == null ? null : transfer(transfer),
                0,
                0,
                tier,
                refill == null ? null : refill.toRefill(),
                priorityReserves == null ? null : priorityReserves.validate());
    }

    /**
     * The refill in tokens per second, from {@code refillPerSecond} or {@code refill} (tokens per period): exactly one
     * of them, except that a rule read back from a {@code GET} carries both, which agree, and may be written again.
     */
    private double refillRate() {
        check(
                refillPerSecond != null || refill != null,
                "refillPerSecond is required (or refill: {\"tokens\": 5, \"period\": \"1m\"})");
        if (refill == null) {
            return refillPerSecond;
        }
        double perSecond = refill.perSecond();
        check(
                refillPerSecond == null || Math.abs(refillPerSecond - perSecond) <= 1e-9 * perSecond,
                "give the refill once: refillPerSecond or refill {tokens, period}, not both (they disagree: "
                        + refillPerSecond + " vs " + perSecond + " per second)");
        return perSecond;
    }

    /** Checks a refill rate: finite and within what the fixed-point maths holds. */
    public static void checkRefill(String field, double value) {
        check(
                value >= Tokens.MIN_REFILL_PER_SECOND && value <= Tokens.MAX_REFILL_PER_SECOND,
                field + " must be > 0, in [" + Tokens.MIN_REFILL_PER_SECOND + ", " + Tokens.MAX_REFILL_PER_SECOND
                        + "], was " + value);
    }

    private static Rule.Adaptive adaptive(AdaptiveInput a) {
        double high = a.thresholdHigh() == null ? 0.8 : a.thresholdHigh();
        double low = a.thresholdLow() == null ? 0.3 : a.thresholdLow();
        double growth = a.growthFactor() == null ? 1.5 : a.growthFactor();
        double shrink = a.shrinkFactor() == null ? 0.8 : a.shrinkFactor();
        check(high > 0 && high <= 1, "adaptive.thresholdHigh must be in (0, 1], was " + high);
        check(low > 0 && low <= 1, "adaptive.thresholdLow must be in (0, 1], was " + low);
        check(low < high, "adaptive.thresholdLow must be < adaptive.thresholdHigh, was " + low + " >= " + high);
        check(
                growth > 1 && growth <= MAX_GROWTH_FACTOR,
                "adaptive.growthFactor must be in (1, " + MAX_GROWTH_FACTOR + "], was " + growth);
        check(shrink > 0 && shrink < 1, "adaptive.shrinkFactor must be in (0, 1), was " + shrink);
        return new Rule.Adaptive(
                a.enabled() == null || a.enabled(),
                high,
                low,
                growth,
                shrink,
                a.pressureTargets() == null ? null : a.pressureTargets().validate(),
                a.forecaster() == null ? null : a.forecaster().validate(),
                a.damping() == null ? null : a.damping().validate());
    }

    private static Rule.Transfer transfer(TransferInput t) {
        check(t.pool() != null, "transfer.pool is required when transfer is given");
        check(NAME.matcher(t.pool()).matches(), "transfer.pool must match [A-Za-z0-9._-]{1,128}");
        check(
                t.region() == null || NAME.matcher(t.region()).matches(),
                "transfer.region must match [A-Za-z0-9._-]{1,128}");
        double weight = t.weight() == null ? 1 : t.weight();
        check(weight > 0 && weight <= MAX_WEIGHT, "transfer.weight must be in (0, " + MAX_WEIGHT + "], was " + weight);
        double reserve = t.reserveFraction() == null ? 0.1 : t.reserveFraction();
        check(reserve >= 0 && reserve <= 1, "transfer.reserveFraction must be in [0, 1], was " + reserve);
        return new Rule.Transfer(
                t.pool(),
                Boolean.TRUE.equals(t.canBorrow()),
                Boolean.TRUE.equals(t.canLend()),
                weight,
                t.region(),
                reserve);
    }
}
