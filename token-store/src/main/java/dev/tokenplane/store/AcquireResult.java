package dev.tokenplane.store;

/**
 * The outcome of one acquire: granted (possibly after a wait), denied (with the exact time to retry), or a request
 * that this bucket can never grant as asked.
 *
 * <p>Every outcome reports the bucket after the decision: whole tokens {@code remaining}, {@code capacity} and the
 * refill rate in nanotokens per millisecond.
 */
public sealed interface AcquireResult
        permits AcquireResult.Granted, AcquireResult.Denied, AcquireResult.Unsatisfiable, AcquireResult.Refused {

    /** Tokens asked for. */
    long tokens();

    /** Whole tokens left in the bucket after the decision (reservations count as none). */
    long remaining();

    /** The bucket's capacity in tokens. */
    long capacity();

    /** The bucket's refill in nanotokens per millisecond. */
    long ratePerMilli();

    default boolean granted() {
        return this instanceof Granted;
    }

    default double refillPerSecond() {
        return Tokens.perSecond(ratePerMilli());
    }

    /**
     * Granted. {@code waitMs} is 0 for an immediate grant; otherwise the tokens are reserved and the caller may use them
     * only after waiting that long (at most the {@code maxWaitMs} it asked for).
     */
    record Granted(long tokens, long remaining, long capacity, long ratePerMilli, long waitMs)
            implements AcquireResult {}

    /**
     * Denied. After {@code retryAfterMs}, the same request (same tokens and maxWaitMs) is granted if nothing else takes
     * tokens in between; one millisecond earlier it would not be.
     */
    record Denied(long tokens, long remaining, long capacity, long ratePerMilli, long retryAfterMs)
            implements AcquireResult {}

    /**
     * The request can never be granted as asked: more tokens than the capacity, or, for a leaky bucket, more than one
     * token with too short a {@code maxWaitMs}. {@code minMaxWaitMs} is the smallest maxWaitMs that would make it
     * grantable, or -1 when none would. The bucket is left unchanged.
     */
    record Unsatisfiable(long tokens, long remaining, long capacity, long ratePerMilli, long minMaxWaitMs)
            implements AcquireResult {}

    /**
     * There was no bucket, and the store's {@link CreationGate} refused to create one (a bucket budget is spent). No
     * token was taken and nothing was written; {@code capacity} and {@code ratePerMilli} are the spec's, {@code remaining}
     * is 0. A later call may succeed once buckets were removed.
     */
    record Refused(long tokens, long remaining, long capacity, long ratePerMilli) implements AcquireResult {
        /** A refusal of {@code tokens} from a bucket that {@code spec} would have created. */
        public static Refused of(long tokens, BucketSpec spec) {
            return new Refused(tokens, 0, spec.capacity(), spec.ratePerMilli());
        }
    }
}
