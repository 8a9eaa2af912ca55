package dev.tokenplane.bms.budget;

import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.CreationGate;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The bucket budget of one member: the store asks {@link #tryCreate} on the member that would own a new bucket, and a
 * creation past the member's limit ({@code BMS_MAX_BUCKETS}) or past its rule's {@code maxBuckets} is refused. Existing
 * buckets are never touched: a full budget only stops new keys, and no live bucket is evicted to make room (a bucket
 * created again starts full and would over-admit).
 *
 * <h2>Counting</h2>
 * The member total is {@code owned + delta}: {@code owned} is the number of buckets this member owned at the last
 * {@link #recount} (the adapter reads Hazelcast's local map statistics every second), {@code delta} the buckets it
 * created since, minus those it removed. A recount reads {@code delta}, then the owned count, publishes the count and
 * only then takes the {@code delta} it read away, so that while it runs the total errs high (a creation is counted
 * twice), never low. A creation already allowed but not yet written when the owned count is read is missed until the
 * next recount: the budget may let through at most one bucket per partition thread (the number of cores, by default)
 * more than its limit. Partitions that migrate to this member (a member left) show at the next recount; they may take
 * the total over the limit, which then only refuses new keys.
 *
 * <p>Per rule, the budget counts the buckets it created minus those the store removed on this member, by the generation
 * a bucket carries (so it does not depend on how bucket keys are built). Buckets under an override, and buckets that
 * moved here with their partition, count against the member total only.
 *
 * <h2>Warning</h2>
 * A refusal logs a warning at most once a minute ({@link #WARNING_INTERVAL_MS}, on the injected clock).
 *
 * <p>Thread-safe and non-blocking: it runs on Hazelcast partition threads.
 */
public final class BucketBudget implements CreationGate {
    public static final long WARNING_INTERVAL_MS = 60_000;

    /** The rule a generation belongs to, and its {@code maxBuckets} (0 for none). */
    public record RuleLimit(String ruleId, long maxBuckets) {}

    private final long limit;
    private final LongFunction<RuleLimit> ruleOfGeneration;
    private final InstantSource clock;
    private final Consumer<String> warnings;
    private volatile long owned;
    private final AtomicLong delta = new AtomicLong();
    private final Map<String, AtomicLong> perRule = new ConcurrentHashMap<>();
    /** Generations this member created buckets of, to find the rule of a bucket whose rule changed since. */
    private final Map<Long, String> createdGenerations = new ConcurrentHashMap<>();

    private final LongAdder refusals = new LongAdder();
    private final AtomicLong lastWarningAt;

    /**
     * @param limit            the most buckets this member may own, at least 1
     * @param ruleOfGeneration the rule of a spec's generation, from the replicated rules; null when unknown (an
     *                         override's spec)
     * @param clock            times the warnings
     * @param warnings         receives the warning (at most one a minute)
     */
    public BucketBudget(
            long limit, LongFunction<RuleLimit> ruleOfGeneration, InstantSource clock, Consumer<String> warnings) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        this.limit = limit;
        this.ruleOfGeneration = ruleOfGeneration;
        this.clock = clock;
        this.warnings = warnings;
        this.lastWarningAt = new AtomicLong(clock.millis() - WARNING_INTERVAL_MS);
    }

    @Override
    public boolean tryCreate(BucketSpec spec) {
        long created = delta.incrementAndGet(); // before owned: a recount in between then counts high, not low
        if (owned + created > limit) {
            delta.decrementAndGet();
            return refuse("this member holds its budget of " + limit + " buckets (BMS_MAX_BUCKETS)");
        }
        RuleLimit rule = ruleOfGeneration.apply(spec.generation());
        if (rule == null) {
            return true;
        }
        AtomicLong ofRule = perRule.computeIfAbsent(rule.ruleId(), id -> new AtomicLong());
        if (ofRule.incrementAndGet() > rule.maxBuckets() && rule.maxBuckets() > 0) {
            ofRule.decrementAndGet();
            delta.decrementAndGet();
            return refuse("rule '" + rule.ruleId() + "' holds its maxBuckets of " + rule.maxBuckets()
                    + " buckets on this member");
        }
        createdGenerations.putIfAbsent(spec.generation(), rule.ruleId());
        return true;
    }

    @Override
    public void removed(BucketState state) {
        delta.decrementAndGet();
        String ruleId = createdGenerations.get(state.generation());
        if (ruleId == null) {
            RuleLimit rule = ruleOfGeneration.apply(state.generation());
            ruleId = rule == null ? null : rule.ruleId();
        }
        AtomicLong ofRule = ruleId == null ? null : perRule.get(ruleId);
        if (ofRule != null) {
            ofRule.updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    /** Sets the member total from the owned-bucket count that {@code ownedNow} reads (Hazelcast's local map stats). */
    public void recount(LongSupplier ownedNow) {
        long counted = delta.get();
        owned = ownedNow.getAsLong();
        delta.addAndGet(-counted);
    }

    /** The most buckets this member may own. */
    public long limit() {
        return limit;
    }

    /** The buckets this member owns, as counted. */
    public long used() {
        long d = delta.get();
        return Math.max(0, owned + d);
    }

    /** The buckets of {@code ruleId} this member created and still holds, as counted. */
    public long usedBy(String ruleId) {
        AtomicLong n = perRule.get(ruleId);
        return n == null ? 0 : n.get();
    }

    /** How many creations were refused since the start. */
    public long refusals() {
        return refusals.sum();
    }

    private boolean refuse(String why) {
        refusals.increment();
        long now = clock.millis();
        long last = lastWarningAt.get();
        if (now - last >= WARNING_INTERVAL_MS && lastWarningAt.compareAndSet(last, now)) {
            warnings.accept("Bucket budget spent: " + why + "; new keys get 503 bucket_budget_exhausted, existing "
                    + "buckets are served (" + refusals.sum() + " refusals so far). Raise the budget or shorten "
                    + "idleTtlSeconds; see docs/security.md");
        }
        return false;
    }
}
