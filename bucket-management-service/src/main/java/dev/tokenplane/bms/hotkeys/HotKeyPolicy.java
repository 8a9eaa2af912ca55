package dev.tokenplane.bms.hotkeys;

/**
 * When a member serves a key from a lease of its own, and how large the lease is.
 *
 * @param promoteAbovePerSecond requests per second on one member above which the key is hot there
 * @param demoteBelowPerSecond  requests per second below which a hot key goes back to asking its owner every time;
 *                              below the promotion rate, so a key near the threshold does not flap
 * @param windowMillis          how long the member counts requests before it judges the rate
 * @param leaseMillis           how long a lease lasts from its start or last top-up: it holds about this much of the
 *                              member's traffic, and what is left when it ends goes back to the owner
 * @param maxShareOfCapacity    the most of the bucket's capacity one member's lease may hold (0..1]: the bound on
 *                              how many tokens sit on one member while another is denied by the owner
 */
public record HotKeyPolicy(
        double promoteAbovePerSecond,
        double demoteBelowPerSecond,
        long windowMillis,
        long leaseMillis,
        double maxShareOfCapacity) {

    public HotKeyPolicy {
        if (!(promoteAbovePerSecond > 0)
                || !(demoteBelowPerSecond >= 0)
                || demoteBelowPerSecond > promoteAbovePerSecond) {
            throw new IllegalArgumentException("need promoteAbovePerSecond > 0 and 0 <= demoteBelowPerSecond <= it");
        }
        if (windowMillis < 1 || leaseMillis < 1) {
            throw new IllegalArgumentException("windowMillis and leaseMillis must be >= 1");
        }
        if (!(maxShareOfCapacity > 0 && maxShareOfCapacity <= 1)) {
            throw new IllegalArgumentException("maxShareOfCapacity must be in (0, 1], was " + maxShareOfCapacity);
        }
    }

    /**
     * The BMS's policy for {@code BMS_HOT_KEY_RATE} and {@code BMS_HOT_KEY_LEASE_MS}: hot above {@code perSecond}, cold
     * below half of it, judged every 100 ms; leases of {@code leaseMillis} holding at most a quarter of the capacity.
     */
    public static HotKeyPolicy of(long perSecond, long leaseMillis) {
        return new HotKeyPolicy(perSecond, perSecond / 2d, 100, leaseMillis, 0.25);
    }

    /** Hot above 1,000 requests/s on a member, cold below 500/s, judged every 100 ms; 100 ms leases of at most 1/4. */
    public static HotKeyPolicy defaults() {
        return new HotKeyPolicy(1_000, 500, 100, 100, 0.25);
    }
}
