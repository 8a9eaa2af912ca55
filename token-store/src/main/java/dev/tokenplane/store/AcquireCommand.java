package dev.tokenplane.store;

/**
 * One decision in a batch.
 *
 * @param key       the bucket key
 * @param spec      what to create the bucket from (or reset it to, on a new generation)
 * @param tokens    tokens wanted, at least 1
 * @param maxWaitMs how long the caller will wait for a reservation; 0 for none
 */
public record AcquireCommand(String key, BucketSpec spec, long tokens, long maxWaitMs) {
    public AcquireCommand {
        if (key == null || spec == null) {
            throw new IllegalArgumentException("key and spec are required");
        }
        if (tokens < 1) {
            throw new IllegalArgumentException("tokens must be >= 1, was " + tokens);
        }
    }
}
