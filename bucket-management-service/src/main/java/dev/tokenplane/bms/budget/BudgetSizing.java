package dev.tokenplane.bms.budget;

/**
 * The default bucket budget of a member, derived from its maximum heap.
 *
 * <p>{@code budget = max(MIN_BUDGET, maxHeap × HEAP_SHARE / BYTES_PER_BUCKET)}.
 *
 * <ul>
 *   <li>{@link #BYTES_PER_BUCKET}: the heap one bucket costs with the costliest key allowed (256 characters outside
 *       Latin-1: two bytes each in the String, three in its UTF-8 form), counted twice: the owner's copy and the one
 *       synchronous backup another member holds. A member holds, on average, as many backups of other members'
 *       buckets as it owns, so counting only owned buckets against the budget and charging each for both copies bounds
 *       the member's bucket memory. It covers the Hazelcast record, the key (as a String and as serialized Data), the
 *       packed state and the partition's hash table. Measured with {@code BucketFootprint} (two members in one JVM,
 *       the BMS's map settings, 200,000 buckets, Java 17): 1,816 bytes for the costliest 256-character key, 815 for a
 *       256-character ASCII key, 375 for a 40-character ASCII key. With typical keys, a full budget's buckets take
 *       well under a quarter of the heap.</li>
 *   <li>{@link #HEAP_SHARE}: the rest of the heap is for Hazelcast and Vert.x themselves, requests in flight (a
 *       1,000-item batch holds about 1 MB while it is decoded), the sizing loop's snapshot of the owned keys, and a
 *       member taking over a failed member's partitions.</li>
 * </ul>
 *
 * <p>With {@code -Xmx256m} this gives about 62,000 buckets (the JVM reports a little less than -Xmx); with
 * {@code -Xmx4g}, about 1,000,000. Raise {@code BMS_MAX_BUCKETS}
 * above the default only for keys known to be short: {@code heap share / bytes per bucket of your keys}.
 */
public final class BudgetSizing {
    /** Heap per owned bucket (owner copy + backup copy, costliest 256-character key), rounded up from 1,816. */
    public static final long BYTES_PER_BUCKET = 2_048;
    /** The share of the maximum heap the buckets may take. */
    public static final double HEAP_SHARE = 0.5;
    /** The least default budget, for very small heaps. */
    public static final long MIN_BUDGET = 1_000;

    private BudgetSizing() {}

    /** The default budget of a member whose maximum heap is {@code maxHeapBytes}. */
    public static long fromHeap(long maxHeapBytes) {
        return Math.max(MIN_BUDGET, (long) (maxHeapBytes * HEAP_SHARE / BYTES_PER_BUCKET));
    }
}
