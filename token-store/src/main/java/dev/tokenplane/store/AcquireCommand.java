package dev.tokenplane.store;

/**
 * One decision in a batch.
 *
 * @param key       the bucket key
 * @param spec      what to create the bucket from (or reset it to, on a new generation)
 * @param tokens    tokens wanted, at least 1
 * @param maxWaitMs  how long the caller will wait for a reservation; 0 for none
 * @param reservePpm the share of the capacity the request's class must leave, in parts per million
 *                   ({@link PriorityReserves#reservePpm}); 0 for none (a critical request)
 */
public record AcquireCommand(String key, BucketSpec spec, long tokens, long maxWaitMs, long reservePpm) {
    public AcquireCommand {
        if (key == null || spec == null) {
            throw new IllegalArgumentException("key and spec are required");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
        }
        if (reservePpm < 0 || reservePpm >= PriorityReserves.PPM) {
            throw new IllegalArgumentException(
                    "reservePpm must be in [0, " + PriorityReserves.PPM + "), was " + reservePpm);
        }
    }

    /** A command with no reserve. */
    public AcquireCommand(String key, BucketSpec spec, long tokens, long maxWaitMs) {
        this(key, spec, tokens, maxWaitMs, 0);
    }
}
