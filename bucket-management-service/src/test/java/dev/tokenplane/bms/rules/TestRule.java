package dev.tokenplane.bms.rules;

import dev.tokenplane.store.Algorithm;

/**
 * A {@link Rule} for tests, naming only the fields a test is about. Every other field has the value of a fixed-size
 * token bucket written without it: capacity bounds equal to the capacity, a 600 s idle TTL, no tier, no pool, version
 * 1.
 */
public final class TestRule {
    private final String id;
    private final String match;
    private long capacity = 10;
    private double refillPerSecond = 1;
    private Long minCapacity;
    private Long maxCapacity;
    private Algorithm algorithm = Algorithm.TOKEN_BUCKET;
    private long idleTtlSeconds = RuleInput.DEFAULT_IDLE_TTL_SECONDS;
    private Long maxBuckets;
    private boolean shadow;
    private Rule.Adaptive adaptive;
    private Rule.Transfer transfer;
    private long version = 1;
    private long updatedAt;
    private String tier;

    private TestRule(String id, String match) {
        this.id = id;
        this.match = match;
    }

    public static TestRule of(String id, String match) {
        return new TestRule(id, match);
    }

    /** The size, and also both bounds unless {@link #bounds} sets them. */
    public TestRule capacity(long capacity, double refillPerSecond) {
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        return this;
    }

    public TestRule bounds(long minCapacity, long maxCapacity) {
        this.minCapacity = minCapacity;
        this.maxCapacity = maxCapacity;
        return this;
    }

    public TestRule algorithm(Algorithm algorithm) {
        this.algorithm = algorithm;
        return this;
    }

    public TestRule idleTtlSeconds(long idleTtlSeconds) {
        this.idleTtlSeconds = idleTtlSeconds;
        return this;
    }

    public TestRule maxBuckets(long maxBuckets) {
        this.maxBuckets = maxBuckets;
        return this;
    }

    public TestRule shadow() {
        this.shadow = true;
        return this;
    }

    public TestRule adaptive(Rule.Adaptive adaptive) {
        this.adaptive = adaptive;
        return this;
    }

    public TestRule transfer(Rule.Transfer transfer) {
        this.transfer = transfer;
        return this;
    }

    public TestRule written(long version, long updatedAt) {
        this.version = version;
        this.updatedAt = updatedAt;
        return this;
    }

    public TestRule tier(String tier) {
        this.tier = tier;
        return this;
    }

    public Rule build() {
        return new Rule(
                id,
                match,
                capacity,
                refillPerSecond,
                minCapacity == null ? capacity : minCapacity,
                maxCapacity == null ? capacity : maxCapacity,
                algorithm,
                idleTtlSeconds,
                maxBuckets,
                shadow,
                adaptive,
                transfer,
                version,
                updatedAt,
                tier,
                null,
                null);
    }
}
