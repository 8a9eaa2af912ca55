package dev.tokenplane.store;

/** How a bucket admits traffic. */
public enum Algorithm {
    /** Bursts up to the capacity; requests beyond the stored tokens are denied or wait for a reservation. */
    TOKEN_BUCKET,
    /**
     * Smooth outflow: the bucket holds at most one token's worth, so requests are spaced at the refill rate. A request
     * that finds the bucket short waits in order (a reservation), up to a queue of {@code capacity} tokens.
     */
    LEAKY_BUCKET
}
