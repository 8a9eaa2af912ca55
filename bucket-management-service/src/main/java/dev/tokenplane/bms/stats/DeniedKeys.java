package dev.tokenplane.bms.stats;

import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * One member's denied keys over the last few minutes, for the top denied keys: a ring of one frequent-items sketch per
 * minute (Apache DataSketches' {@link ItemsSketch}, a mergeable Misra-Gries summary whose map never grows past
 * {@code maxMapSize} entries), so memory stays fixed under a flood of distinct keys while a key denied often is still
 * found.
 *
 * <p>Pure (time is an argument) and thread-safe.
 */
public final class DeniedKeys {
    private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

    private final int maxMapSize;
    private final long[] minuteOfSlot;
    private final ItemsSketch<String>[] slots;

    /**
     * @param minutes    how many minutes are kept
     * @param maxMapSize the size of each minute's sketch (a power of 2); keys denied more than about
     *                   {@code 4 / (3 * maxMapSize)} of all denials are always found
     */
    @SuppressWarnings("unchecked")
    public DeniedKeys(int minutes, int maxMapSize) {
        this.maxMapSize = maxMapSize;
        this.minuteOfSlot = new long[minutes];
        java.util.Arrays.fill(minuteOfSlot, Long.MIN_VALUE);
        this.slots = new ItemsSketch[minutes];
    }

    /** Counts one denial of {@code key} at {@code nowMillis}. */
    public synchronized void record(String key, long nowMillis) {
        long minute = Math.floorDiv(nowMillis, 60_000);
        int slot = (int) Math.floorMod(minute, (long) slots.length);
        if (minuteOfSlot[slot] != minute) {
            if (minuteOfSlot[slot] > minute) {
                return;
            }
            minuteOfSlot[slot] = minute;
            slots[slot] = new ItemsSketch<>(maxMapSize);
        }
        slots[slot].update(key);
    }

    /** The denials of the minutes kept, ending with the one of {@code nowMillis}, merged into one sketch. */
    public synchronized ItemsSketch<String> window(long nowMillis) {
        long lastMinute = Math.floorDiv(nowMillis, 60_000);
        ItemsSketch<String> merged = new ItemsSketch<>(maxMapSize);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && minuteOfSlot[i] > lastMinute - slots.length && minuteOfSlot[i] <= lastMinute) {
                merged.merge(slots[i]);
            }
        }
        return merged;
    }

    /** {@code sketch} as bytes, to cross the network. */
    public static byte[] toBytes(ItemsSketch<String> sketch) {
        return sketch.toByteArray(SERDE);
    }

    /** A sketch from {@link #toBytes}. */
    public static ItemsSketch<String> fromBytes(byte[] bytes) {
        return ItemsSketch.getInstance(Memory.wrap(bytes), SERDE);
    }
}
