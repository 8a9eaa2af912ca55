package dev.tokenplane.sizing;

/**
 * A bucket's effective size.
 *
 * @param capacity        tokens, at least 1
 * @param refillPerSecond tokens per second, &gt; 0
 */
public record BucketSize(long capacity, double refillPerSecond) {

    public BucketSize {
        Ranges.atLeast("capacity", capacity, 1);
        Ranges.above("refillPerSecond", refillPerSecond, 0);
    }
}
