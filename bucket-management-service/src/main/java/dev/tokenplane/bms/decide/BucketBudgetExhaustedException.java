package dev.tokenplane.bms.decide;

/**
 * A decision needed a new bucket and the owning member's bucket budget (or the rule's {@code maxBuckets}) is spent.
 * Existing buckets are still served. The HTTP answer is 503 {@code bucket_budget_exhausted} with {@code Retry-After}.
 */
public final class BucketBudgetExhaustedException extends RuntimeException {
    /** When to try again: the idle sweep that may free room runs this often. */
    public static final long RETRY_AFTER_SECONDS = 30;

    public BucketBudgetExhaustedException(String key) {
        super("no room for a new bucket for key '" + key + "': the member's bucket budget (BMS_MAX_BUCKETS) or the "
                + "rule's maxBuckets is spent; existing buckets are still served", null, false, false);
    }
}
