package dev.tokenplane.transfer.pool;

import dev.tokenplane.store.Priority;
import dev.tokenplane.store.PriorityReserves;
import dev.tokenplane.transfer.FairShare;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fair shares for borrowing one request at a time: the decision path's half of Doorman's algorithm.
 *
 * <p>The sizing tick sees every borrower at once and divides the spare with {@link dev.tokenplane.transfer.TransferPlanner}.
 * Between ticks, requests arrive one by one, and the first to ask must not take the pool before the others do. So the
 * pool's spare is divided per <em>window</em> (one sizing interval): the window opens with a capacity {@code C} (the
 * pool's spare at that moment), and every borrower that asks records a <em>claim</em>: its weight and everything it
 * has asked for in the window, granted or refused ({@code wanted += want} on each request). A borrower may borrow
 * <pre>
 *   allowance_i = x_i - borrowed_i,     x = waterFill(C, D, w),     D_j = max(wanted_j this window, wanted_j last window)
 * </pre>
 * over every borrower with a claim in this window or the last (see {@link FairShare#waterFill}). Claims of the last
 * window stand in for borrowers that have not asked yet, like Doorman's leases: a borrower that was hungry a moment
 * ago keeps its guaranteed share {@code C · w_i / W} for this window too, and what the modest leave goes to those
 * that want more. Because refused asks count, a bucket that hammers the pool shows a large claim, and the next window
 * divides by weight from its first request on instead of by order of arrival.
 *
 * <h2>Priority</h2>
 * Within its fair share, a borrow for a request of a class below {@code critical} may not take the last reserved share
 * of the window: with {@code r} its class's reserve ({@link dev.tokenplane.store.PriorityReserves}, in parts per
 * million) it may borrow at most {@code C - borrowed_all - r · C}, what the window has left above that class's reserve.
 * So when the pool's spare runs short, borrowers serving low-priority requests are refused first and the last of it
 * goes to higher classes, each still within its fair share. With reserves 0 nothing changes.
 *
 * <p>Not thread-safe: {@link PoolTransfers} holds the pool's lock. Time is passed in (epoch millis).
 */
final class BorrowWindow {

    /** One borrower's claim in a window; {@code highest}: the highest class it asked for, or null. */
    record Claim(long weight, long wantedNanos, long borrowedNanos, Priority highest) {

        Claim(long weight, long wantedNanos, long borrowedNanos) {
            this(weight, wantedNanos, borrowedNanos, null);
        }
    }

    private final long lengthMillis;
    private long startedAt;
    private long capacityNanos;
    private Map<String, Claim> claims = new HashMap<>();
    private Map<String, Claim> standing = Map.of();

    BorrowWindow(long lengthMillis, long startedAt) {
        this.lengthMillis = lengthMillis;
        this.startedAt = startedAt;
    }

    /** Whether the window has run its length at {@code now}. */
    boolean isDue(long now) {
        return now - startedAt >= lengthMillis;
    }

    /** Opens a new window at {@code now} with {@code capacityNanos} to divide; this window's claims become standing. */
    void roll(long now, long capacityNanos) {
        standing = claims;
        claims = new HashMap<>();
        startedAt = now;
        this.capacityNanos = capacityNanos;
    }

    /** Records that {@code key} (of {@code weight} units) wants {@code wantNanos} more and answers its allowance. */
    long claim(String key, long weight, long wantNanos) {
        return claim(key, weight, wantNanos, null, 0);
    }

    /**
     * {@link #claim(String, long, long)} for a request of class {@code priority} (null when unknown) that must leave
     * {@code reservePpm} parts per million of the window's capacity to higher classes: the allowance is also capped at
     * what the window has left above that.
     */
    long claim(String key, long weight, long wantNanos, Priority priority, long reservePpm) {
        Claim c = claims.getOrDefault(key, new Claim(weight, 0, 0));
        claims.put(
                key,
                new Claim(
                        weight,
                        saturatingAdd(c.wantedNanos(), wantNanos),
                        c.borrowedNanos(),
                        higher(c.highest(), priority)));
        long fair = allowance(key);
        if (reservePpm == 0) {
            return fair;
        }
        long floor = FairShare.mulDiv(capacityNanos, reservePpm, PriorityReserves.PPM);
        return Math.max(0, Math.min(fair, capacityNanos - borrowedInWindow() - floor));
    }

    /** The highest class each borrower asked for in this window or the last, by key: the tick's service order. */
    Map<String, Priority> highestClasses() {
        Map<String, Priority> classes = new HashMap<>();
        for (Map<String, Claim> m : List.of(standing, claims)) {
            m.forEach((k, c) -> {
                if (c.highest() != null) {
                    classes.merge(k, c.highest(), BorrowWindow::higher);
                }
            });
        }
        return classes;
    }

    private static Priority higher(Priority a, Priority b) {
        if (a == null) {
            return b;
        }
        return b == null || a.ordinal() <= b.ordinal() ? a : b;
    }

    /** What every borrower has borrowed in this window. */
    private long borrowedInWindow() {
        long total = 0;
        for (Claim c : claims.values()) {
            total = saturatingAdd(total, c.borrowedNanos());
        }
        return total;
    }

    /** What {@code key} may still borrow in this window. */
    long allowance(String key) {
        TreeSet<String> contenders = new TreeSet<>(claims.keySet());
        contenders.addAll(standing.keySet());
        long[] demands = new long[contenders.size()];
        long[] weights = new long[contenders.size()];
        int index = -1;
        int i = 0;
        for (String k : contenders) {
            Claim now = claims.get(k);
            Claim before = standing.get(k);
            demands[i] = Math.max(now == null ? 0 : now.wantedNanos(), before == null ? 0 : before.wantedNanos());
            weights[i] = now != null ? now.weight() : before.weight();
            if (k.equals(key)) {
                index = i;
            }
            i++;
        }
        if (index < 0) {
            return 0;
        }
        long share = FairShare.waterFill(capacityNanos, demands, weights)[index];
        Claim mine = claims.get(key);
        return Math.max(0, share - (mine == null ? 0 : mine.borrowedNanos()));
    }

    /** Adds {@code deltaNanos} (negative to give back) to what {@code key} has borrowed in this window. */
    void borrowed(String key, long weight, long deltaNanos) {
        Claim c = claims.getOrDefault(key, new Claim(weight, 0, 0));
        long borrowed = Math.max(0, c.borrowedNanos() + deltaNanos);
        claims.put(key, new Claim(c.weight(), Math.max(c.wantedNanos(), borrowed), borrowed, c.highest()));
    }

    long capacityNanos() {
        return capacityNanos;
    }

    long startedAt() {
        return startedAt;
    }

    /** What {@code key} has borrowed in this window. */
    long borrowedNanos(String key) {
        Claim c = claims.get(key);
        return c == null ? 0 : c.borrowedNanos();
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }
}
