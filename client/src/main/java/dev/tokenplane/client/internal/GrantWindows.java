package dev.tokenplane.client.internal;

/**
 * The tokens the BMS granted this host for one key, counted in windows of {@link #WINDOW_MS} aligned on the epoch (so
 * every host counts in the same windows), the last three kept: what the {@code LOCAL} fallback learns this host's
 * share of the key's limit from.
 *
 * <h2>Why the shares of all hosts add up to at most 1</h2>
 * Over any window of {@code W} ms a bucket grants at most {@code capacity + refill * W} tokens, to all its callers
 * together. So if every host takes as its share the tokens it was granted in one window divided by that bound, the
 * shares of all hosts, taken from the same window, add up to at most 1, and their local buckets (each
 * {@code share * limit}) admit together at most the limit. Hosts do not fall back at the same instant, so they may not
 * agree on "the last window"; each takes the smaller of its two last complete windows before it fell back
 * ({@link #share}): two hosts that fall back in neighbouring windows then both count window {@code k - 1} as one of
 * theirs, and each share is at most its grants in that common window over the bound. This holds while the hosts fall
 * back within one window of each other and their clocks agree to well within a window; a grant counts in the window
 * the host received it in, so latency and skew move a few grants to the next window (see the README's SDK section).
 *
 * <p>Thread-safe. Pure apart from its counts: time comes in as an argument.
 */
final class GrantWindows {
    /** The length of a window. */
    static final long WINDOW_MS = 10_000;

    private static final int KEPT = 3;

    private final long[] index = {-1, -1, -1};
    private final long[] granted = new long[KEPT];

    /** Counts {@code tokens} granted by the BMS at {@code nowMillis}. */
    synchronized void record(long nowMillis, long tokens) {
        long w = Math.floorDiv(nowMillis, WINDOW_MS);
        int slot = (int) Math.floorMod(w, KEPT);
        if (index[slot] != w) {
            index[slot] = w;
            granted[slot] = 0;
        }
        granted[slot] += tokens;
    }

    /** Tokens granted in window {@code w}; 0 when it is not one of the three kept. */
    private long grantedIn(long w) {
        int slot = (int) Math.floorMod(w, KEPT);
        return index[slot] == w ? granted[slot] : 0;
    }

    /**
     * This host's share of a key whose bucket holds {@code capacity} tokens refilled at {@code refillPerSecond}, for a
     * fallback that started at {@code fallbackStartMillis}: the smaller of the grants of the two complete windows
     * before it, over the most the bucket grants in a window; in [0, 1].
     */
    synchronized double share(long fallbackStartMillis, long capacity, double refillPerSecond) {
        long k = Math.floorDiv(fallbackStartMillis, WINDOW_MS);
        long grants = Math.min(grantedIn(k - 1), grantedIn(k - 2));
        double perWindow = capacity + refillPerSecond * WINDOW_MS / 1000.0;
        return perWindow <= 0 ? 0 : Math.min(1.0, grants / perWindow);
    }
}
