package dev.tokenplane.agent.core;

import java.util.random.RandomGenerator;

/** A "random" source that always draws the top of its range, so full-jitter waits equal their ceilings. */
public final class TopOfRange implements RandomGenerator {

    /** The shared instance (it has no state). */
    public static final RandomGenerator INSTANCE = new TopOfRange();

    private TopOfRange() {}

    @Override
    public long nextLong() {
        return -1L;
    }

    @Override
    public double nextDouble() {
        return Math.nextDown(1.0);
    }
}
