package dev.tokenplane.store;

/**
 * A bucket's next state together with what the operation returns. {@code next} is null only when there was no bucket
 * and the operation did not create one.
 */
public record Transition<R>(BucketState next, R result) {}
