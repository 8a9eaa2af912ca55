package dev.tokenplane.bms.budget;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How often one client may be refused a new bucket by the {@link BucketBudget} before its decisions are refused at the
 * HTTP edge, without a store call: the cheap answer to a key flood once the budget is spent.
 *
 * <p>A budget refusal costs a member a partition operation per key; a flood of distinct keys past a full budget
 * therefore takes the CPU that every other client's decisions need. Each client (its API key's client id, or its
 * remote address when decisions need no API key) has an allowance of {@code perSecond} refusals, refilled continuously
 * up to {@code max(perSecond, burst)}. Every refusal the client gets is charged, and may take the allowance below zero
 * (a batch of 1,000 refused keys is charged at once). While the allowance is below zero, the client's decisions are
 * refused with 429 before their body is read, for as long as the allowance needs to climb back to zero (its
 * {@code Retry-After}). Clients whose new keys are created are never charged: the limit does nothing until a budget is
 * spent.
 *
 * <p>The debt is bounded at one burst, so a client is never locked out longer than {@code burst / perSecond}
 * seconds after its last refusal (10 s at 100 a second). The table is bounded at {@link #MAX_CLIENTS}: when full,
 * clients with their whole allowance back are dropped (they are indistinguishable from new ones), and when none is,
 * the table is cleared.
 *
 * <p>Pure: time is an argument. Thread-safe (event loops of one member share it).
 */
public final class ClientRefusalLimit {
    public static final int MAX_CLIENTS = 100_000;

    private final double perMilli;
    private final double burst;
    private final Map<String, Allowance> clients = new ConcurrentHashMap<>();

    private static final class Allowance {
        private double level;
        private long at;

        Allowance(double level, long at) {
            this.level = level;
            this.at = at;
        }
    }

    /**
     * @param perSecond refusals per second a client may get before being refused at the edge; 0 turns the limit off
     * @param burst     the refusals a client may get at once (at least {@code perSecond}); a full batch is 1,000
     */
    public ClientRefusalLimit(long perSecond, long burst) {
        if (perSecond < 0 || burst < 0) {
            throw new IllegalArgumentException("perSecond and burst must be >= 0");
        }
        this.perMilli = perSecond / 1000.0;
        this.burst = Math.max(perSecond, burst);
    }

    public boolean enabled() {
        return perMilli > 0;
    }

    /**
     * Whether any client carries refusals: while none does, {@link #retryAfterMs} is 0 for every client, so a caller
     * may skip naming the client at all (the decision path does, saving a string per request).
     */
    public boolean anyCharged() {
        return enabled() && !clients.isEmpty();
    }

    /** Milliseconds before {@code client}'s decisions are taken again; 0 when they are taken now. */
    public long retryAfterMs(String client, long nowMs) {
        if (!enabled()) {
            return 0;
        }
        Allowance a = clients.get(client);
        if (a == null) {
            return 0;
        }
        synchronized (a) {
            refill(a, nowMs);
            return a.level >= 0 ? 0 : (long) Math.ceil(-a.level / perMilli);
        }
    }

    /** Charges {@code count} budget refusals to {@code client}. */
    public void refused(String client, int count, long nowMs) {
        if (!enabled() || count <= 0) {
            return;
        }
        if (clients.size() >= MAX_CLIENTS && !clients.containsKey(client)) {
            prune(nowMs);
        }
        Allowance a = clients.computeIfAbsent(client, c -> new Allowance(burst, nowMs));
        synchronized (a) {
            refill(a, nowMs);
            a.level = Math.max(-burst, a.level - count);
        }
    }

    /** How many clients are tracked (for tests). */
    int tracked() {
        return clients.size();
    }

    private void refill(Allowance a, long nowMs) {
        if (nowMs > a.at) {
            a.level = Math.min(burst, a.level + (nowMs - a.at) * perMilli);
            a.at = nowMs;
        }
    }

    private void prune(long nowMs) {
        clients.values().removeIf(a -> {
            synchronized (a) {
                refill(a, nowMs);
                return a.level >= burst;
            }
        });
        if (clients.size() >= MAX_CLIENTS) {
            clients.clear();
        }
    }
}
