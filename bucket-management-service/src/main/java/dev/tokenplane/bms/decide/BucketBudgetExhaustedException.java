package dev.tokenplane.bms.decide;

/**
 * A decision needed a new bucket and the owning member's bucket budget (or the rule's {@code maxBuckets}) is spent.
 * Existing buckets are still served. The HTTP answer is 503 {@code bucket_budget_exhausted} with {@code Retry-After}.
 */
public final class BucketBudgetExhaustedException extends RuntimeException {
    /** When to try again: the idle sweep that may free room runs this often. */
    public static final long RETRY_AFTER_SECONDS = 30;

    /** Short, and the same for every key: a flood gets one of these per refused item. */
    private static final String MESSAGE = "no room for a new bucket: BMS_MAX_BUCKETS or the rule's maxBuckets is "
            + "spent; existing buckets are still served";

    public BucketBudgetExhaustedException() {
        super(MESSAGE, null, false, false);
    }
}
