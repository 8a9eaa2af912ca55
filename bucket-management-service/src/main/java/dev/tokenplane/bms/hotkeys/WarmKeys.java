package dev.tokenplane.bms.hotkeys;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which untracked keys are worth tracking: counts the requests of keys that {@link HotKeyStore} does not track yet in
 * a fixed table of counters per window of the policy (keys share a counter by hash), and says when a key's counter
 * reaches a quarter of what the promotion rate needs in a window. Only those keys get a {@link HotKeyLease}: with
 * 10,000 keys at a few requests per second each, the store would otherwise track (and its tick walk) every key, only
 * to forget it two windows later.
 *
 * <p>A key that shares a counter with others is admitted earlier, never later: the count only overstates a key's own
 * requests, and the lease that counts from there only leases more than needed (exactness is the lease's, not this
 * count's). Counts from different threads may be lost in a race (a read and a write, no compare-and-set): that can
 * only delay the admission of a key by a few of its requests.
 *
 * <p>Thread-safe, allocation-free, time as an argument.
 */
final class WarmKeys {
    /** Counters: 32 KiB, about one per key at 40,000 requests/s over 10,000 keys in a window of 100 ms. */
    private static final int SLOTS = 4096;

    private static final long LOW = 0xFFFF_FFFFL;

    /** Per counter: the window it counts (low 32 bits of its number) in the high half, the count in the low half. */
    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);

    private final long windowMillis;
    private final long threshold;

    WarmKeys(HotKeyPolicy policy) {
        this.windowMillis = policy.windowMillis();
        double perWindow = policy.promoteAbovePerSecond() * policy.windowMillis() / 1000d;
        this.threshold = (long) Math.min(Integer.MAX_VALUE, Math.max(1, Math.ceil(perWindow / 4)));
    }

    /** Requests a key must reach in one window before it is tracked. */
    long threshold() {
        return threshold;
    }

    /**
     * Counts a request of {@code key} at {@code now}: the requests its counter saw in the current window, this one
     * included, when that reached the threshold (the key is to be tracked from now on, and its counter starts over for
     * the other keys that share it); else 0.
     */
    long count(String key, long now) {
        int i = slot(key);
        long window = (now / windowMillis) & LOW;
        long v = slots.get(i);
        long n = (v >>> 32) == window ? (v & LOW) + 1 : 1;
        slots.set(i, window << 32 | (n >= threshold ? 0 : n));
        return n >= threshold ? n : 0;
    }

    /** When the window that {@code now} falls in began: where the lease of a key admitted at {@code now} starts counting. */
    long windowStart(long now) {
        return now - Math.floorMod(now, windowMillis);
    }

    private static int slot(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
