package dev.tokenplane.agent.core;

/** How many bits a monotonic hardware counter has before it wraps to zero. */
public enum CounterWidth {
    /** A 32-bit counter (wraps at 2^32), as some platforms and older interfaces report. */
    BITS_32(32),
    /** A 64-bit counter (wraps at 2^64), as Linux reports interface and disk statistics on 64-bit kernels. */
    BITS_64(64);

    private final int bits;

    CounterWidth(int bits) {
        this.bits = bits;
    }

    /** The mask that keeps the low {@code bits} bits. */
    long mask() {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** A quarter of the counter's range, {@code 2^(bits-2)}. */
    long quarter() {
        return 1L << (bits - 2);
    }
}
