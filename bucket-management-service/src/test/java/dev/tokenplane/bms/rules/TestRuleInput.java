package dev.tokenplane.bms.rules;

/** A {@link RuleInput} for tests, naming only the fields a test is about; every other field is absent (null). */
public final class TestRuleInput {
    private final String match;
    private String id;
    private Long capacity;
    private Double refillPerSecond;
    private Long minCapacity;
    private Long maxCapacity;
    private RuleInput.AdaptiveInput adaptive;
    private RefillInput refill;

    private TestRuleInput(String match) {
        this.match = match;
    }

    public static TestRuleInput of(String match) {
        return new TestRuleInput(match);
    }

    public TestRuleInput id(String id) {
        this.id = id;
        return this;
    }

    public TestRuleInput capacity(Long capacity, Double refillPerSecond) {
        this.capacity = capacity;
        this.refillPerSecond = refillPerSecond;
        return this;
    }

    public TestRuleInput bounds(Long minCapacity, Long maxCapacity) {
        this.minCapacity = minCapacity;
        this.maxCapacity = maxCapacity;
        return this;
    }

    public TestRuleInput adaptive(RuleInput.AdaptiveInput adaptive) {
        this.adaptive = adaptive;
        return this;
    }

    public TestRuleInput refill(RefillInput refill) {
        this.refill = refill;
        return this;
    }

    public RuleInput build() {
        return new RuleInput(
                id,
                match,
                capacity,
                refillPerSecond,
                minCapacity,
                maxCapacity,
                null,
                null,
                null,
                null,
                adaptive,
                null,
                null,
                null,
                null,
                refill,
                null);
    }
}
