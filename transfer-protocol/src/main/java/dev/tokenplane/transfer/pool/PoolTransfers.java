package dev.tokenplane.transfer.pool;

import dev.tokenplane.store.Priority;
import dev.tokenplane.store.PriorityReserves;
import dev.tokenplane.transfer.Borrower;
import dev.tokenplane.transfer.Lender;
import dev.tokenplane.transfer.TransferPlan;
import dev.tokenplane.transfer.TransferPlanner;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.TransferSettingsLookup;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.Settlement;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferIds;
import dev.tokenplane.transfer.exec.TransferRequest;
import dev.tokenplane.transfer.exec.TransferResult;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The transfer protocol as the BMS uses it: borrowing on the decision path, rebalancing on the sizing tick, and the
 * figures for {@code GET /v1/pools/{pool}}.
 *
 * <h2>Sizing tick: {@link #rebalance}</h2>
 * Each tick, for each pool, the BMS passes a snapshot of the pool's buckets. A bucket is a borrower when it may borrow,
 * had unserved demand in the last window and holds less than {@code nearEmptyFraction} of its burst; it asks for
 * {@code min(demand, room)}, at most its borrow limit times the window. Every bucket of the pool is a lender candidate. The {@link TransferPlanner} divides the
 * spare, the {@link TransferExecutor} carries out the moves, and a new borrowing window opens with the pool's spare as
 * its capacity; the snapshot is kept as the pool's view of its lenders until the next tick.
 *
 * <h2>Decision path: {@link #borrow}</h2>
 * An acquire that found its bucket short by {@code shortfall} asks for {@code want = min(room, shortfall ·
 * borrowAhead)} (borrowing a little ahead spares the next requests a transfer), at most the pool's
 * {@link BorrowBudget}'s {@code maxTokens} (a pool's budget may also set its own {@code borrowAhead}). The {@link BorrowWindow} caps it at
 * the bucket's fair share of the window; if that, or the lenders' spare by the view, does not cover the shortfall,
 * nothing is tried. The sizing loop's borrow limit in the bucket's snapshot (tokens per second, see
 * {@link MemberSnapshot#borrowLimitPerSecond()}) caps {@code want} too: at most the limit times the window (the sizing
 * interval, the horizon until the loop's next decision) less what the bucket borrowed in the window; when that does
 * not cover the shortfall the borrow is refused ({@link BorrowResult.Reason#SIZING_LIMIT}). Otherwise the planner
 * picks the lenders (same region, then most spare) and the executor moves the tokens within the time budget. A borrow
 * for a request below {@code critical} also leaves its class's reserved share of the window to higher classes
 * ({@link BorrowWindow}: higher-priority borrowers are served first within their fair share). The borrower's settings
 * come with the call (the BMS resolved them for the decision);
 * the lenders' come from the {@link TransferSettingsLookup} on every call, so an operator's {@code canLend=false} or a
 * new weight applies to the next decision.
 *
 * <h2>In a cluster</h2>
 * The view and the window live in this member's memory. Conservation never depends on them (every debit is atomic and
 * carries the lender's floor), but fairness does: members that each divided the whole spare would together let a
 * bucket borrow its share once per member. So each member divides only its {@code windowShare} of the spare (1/N of
 * a cluster of N whose requests are spread evenly): one member, the pool's coordinator, calls {@link #rebalance} each
 * tick, and the others call {@link #refresh}, which renews the view and the window without moving tokens.
 *
 * <p>Thread-safe; each pool has its own lock, held only to plan (never across a store call). An {@link Observer}
 * hears of every transfer (for metrics).
 */
public final class PoolTransfers {

    /**
     * @param window            how long a borrowing window lasts: the sizing interval, default 1 s
     * @param borrowAhead       how many times its shortfall a bucket borrows at once, at least 1, default 4
     * @param nearEmptyFraction a bucket below this fraction of its burst is topped up on the tick, in [0, 1], default
     *                          0.25
     */
    public record Settings(Duration window, double borrowAhead, double nearEmptyFraction) {
        public Settings {
            if (window == null || window.toMillis() < 1) {
                throw new IllegalArgumentException("window must be at least 1 ms, was " + window);
            }
            if (!(borrowAhead >= 1 && borrowAhead <= 1_000)) {
                throw new IllegalArgumentException("borrowAhead must be in [1, 1000], was " + borrowAhead);
            }
            if (!(nearEmptyFraction >= 0 && nearEmptyFraction <= 1)) {
                throw new IllegalArgumentException("nearEmptyFraction must be in [0, 1], was " + nearEmptyFraction);
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(1), 4, 0.25);
        }
    }

    /** Hears of every transfer this instance starts. Called on the thread that completes it; must not block. */
    public interface Observer {
        /** No one listens. */
        Observer NONE = new Observer() {};

        /** {@code result} is what the caller learned within the budget (its outcome is the metrics' label). */
        default void answered(String pool, TransferResult result) {}

        /** {@code request} has settled: {@code settlement} says where its tokens ended up. */
        default void settled(String pool, TransferRequest request, Settlement settlement) {}
    }

    private final TransferPlanner planner;
    private final TransferExecutor executor;
    private final PoolBreakers breakers;
    private final TransferSettingsLookup lookup;
    private final TransferIds ids;
    private final InstantSource clock;
    private final Settings settings;
    private final Observer observer;
    private final Function<String, BorrowBudget> budgets;
    private final Map<String, PoolState> pools = new ConcurrentHashMap<>();

    public PoolTransfers(
            TransferPlanner planner,
            TransferExecutor executor,
            PoolBreakers breakers,
            TransferSettingsLookup lookup,
            TransferIds ids,
            InstantSource clock,
            Settings settings) {
        this(planner, executor, breakers, lookup, ids, clock, settings, Observer.NONE);
    }

    public PoolTransfers(
            TransferPlanner planner,
            TransferExecutor executor,
            PoolBreakers breakers,
            TransferSettingsLookup lookup,
            TransferIds ids,
            InstantSource clock,
            Settings settings,
            Observer observer) {
        this(planner, executor, breakers, lookup, ids, clock, settings, observer, pool -> BorrowBudget.NONE);
    }

    /**
     * @param budgets each pool's borrow budget, {@link BorrowBudget#NONE} for none; fast and thread-safe (it is asked
     *                on every borrow, so an operator's change applies to the next one)
     */
    public PoolTransfers(
            TransferPlanner planner,
            TransferExecutor executor,
            PoolBreakers breakers,
            TransferSettingsLookup lookup,
            TransferIds ids,
            InstantSource clock,
            Settings settings,
            Observer observer,
            Function<String, BorrowBudget> budgets) {
        this.budgets = budgets;
        this.observer = observer;
        this.planner = planner;
        this.executor = executor;
        this.breakers = breakers;
        this.lookup = lookup;
        this.ids = ids;
        this.clock = clock;
        this.settings = settings;
    }

    /**
     * Borrows for the bucket {@code key}, which an acquire found short.
     *
     * @param key            the bucket
     * @param mine           the bucket's transfer settings, as the caller resolved them for this decision (they are
     *                       not looked up again)
     * @param shortfallNanos what the acquire lacked: requested minus held, at least 1
     * @param roomNanos      what the bucket can take in: burst minus held
     * @return completes within the executor's budget, never exceptionally; on a positive
     * {@link BorrowResult#creditedNanos()} the caller retries its acquire once
     */
    public CompletionStage<BorrowResult> borrow(
            String key, TransferSettings mine, long shortfallNanos, long roomNanos) {
        return borrow(key, mine, shortfallNanos, roomNanos, Priority.CRITICAL, PriorityReserves.NONE);
    }

    /**
     * {@link #borrow(String, TransferSettings, long, long)} for a request of class {@code priority}: below
     * {@code critical} it must leave its share of the window's spare ({@code reserves}, the borrower's rule's) to
     * higher classes, and is refused with {@link BorrowResult.Reason#RESERVED_FOR_HIGHER_PRIORITY} when only that is
     * left. The window remembers the highest class each borrower asked for, and the next tick serves it in that order.
     */
    public CompletionStage<BorrowResult> borrow(
            String key,
            TransferSettings mine,
            long shortfallNanos,
            long roomNanos,
            Priority priority,
            PriorityReserves reserves) {
        long reservePpm = reserves.reservePpm(priority);
        if (shortfallNanos < 1 || roomNanos < 0) {
            throw new IllegalArgumentException(
                    "shortfallNanos must be >= 1 and roomNanos >= 0, were " + shortfallNanos + " and " + roomNanos);
        }
        if (mine == null) {
            return refused(BorrowResult.Reason.NOT_IN_POOL);
        }
        if (!mine.canBorrow()) {
            return refused(BorrowResult.Reason.NOT_ALLOWED);
        }
        if (roomNanos < shortfallNanos) {
            return refused(BorrowResult.Reason.NO_ROOM);
        }
        if (executor.isInDoubt(key)) {
            return refused(BorrowResult.Reason.IN_DOUBT);
        }
        long want = budgets.apply(mine.pool()).wantNanos(shortfallNanos, roomNanos, settings.borrowAhead());
        if (want < shortfallNanos) {
            return refused(BorrowResult.Reason.OVER_BUDGET);
        }
        PoolState pool = pool(mine.pool());
        TransferPlan plan;
        synchronized (pool) {
            long now = clock.millis();
            if (pool.window.isDue(now)) {
                pool.window.roll(now, pool.shareOf(pool.spareWith(key, mine)));
            }
            long capped =
                    Math.min(want, pool.borrowCapLeft(key, settings.window().toMillis()));
            if (capped < shortfallNanos) {
                return refused(BorrowResult.Reason.SIZING_LIMIT);
            }
            want = capped;
            long allowance = pool.window.claim(key, mine.weightUnits(), want, priority, reservePpm);
            if (allowance < shortfallNanos) {
                return refused(
                        reservePpm > 0 && pool.window.allowance(key) >= shortfallNanos
                                ? BorrowResult.Reason.RESERVED_FOR_HIGHER_PRIORITY
                                : BorrowResult.Reason.FAIR_SHARE_USED);
            }
            plan = planner.plan(List.of(mine.borrower(key, Math.min(want, allowance), 1)), pool.lenders(key));
            if (plan.totalNanos() < shortfallNanos) {
                return refused(BorrowResult.Reason.NO_SPARE);
            }
            pool.reserve(plan, Map.of(key, mine.weightUnits()));
        }
        return execute(pool, plan, Map.of(key, mine.weightUnits())).thenApply(results -> {
            if (!results.isEmpty()
                    && results.get(0) instanceof TransferResult.NotAttempted first
                    && results.stream().allMatch(r -> r instanceof TransferResult.NotAttempted)) {
                return new BorrowResult.Refused(
                        first.reason() == TransferResult.Reason.BREAKER_OPEN
                                ? BorrowResult.Reason.BREAKER_OPEN
                                : BorrowResult.Reason.IN_DOUBT);
            }
            return new BorrowResult.Borrowed(
                    results.stream().mapToLong(TransferResult::creditedNanos).sum(), results);
        });
    }

    /**
     * The sizing tick for {@code pool}: tops up the near-empty buckets under demand from the others' spare, and opens
     * the next borrowing window. Call it every tick for every pool, borrowers or not: it also refreshes the view of the
     * lenders that {@link #borrow} plans against.
     *
     * @param members every bucket of the pool (members whose settings name another pool, or none, are ignored)
     */
    public CompletionStage<RebalanceReport> rebalance(String pool, Collection<MemberSnapshot> members) {
        return rebalance(pool, members, 1);
    }

    /**
     * {@link #rebalance(String, Collection)} on the pool's coordinator in a cluster: the window this member opens
     * divides {@code windowShare} of the pool's spare among the borrowers that ask this member.
     *
     * @param windowShare this member's share of the pool's borrowing, in (0, 1] (1/N in a cluster of N)
     */
    public CompletionStage<RebalanceReport> rebalance(
            String pool, Collection<MemberSnapshot> members, double windowShare) {
        PoolState state = pool(pool);
        List<Borrower> borrowers = new ArrayList<>();
        List<Lender> lenders = new ArrayList<>();
        Map<String, MemberSnapshot> view = view(pool, members);
        Map<String, Priority> asked;
        synchronized (state) {
            asked = state.window.highestClasses();
        }
        for (MemberSnapshot m : view.values()) {
            Optional<TransferSettings> found =
                    lookup.settingsFor(m.key()).filter(s -> s.pool().equals(pool));
            if (found.isEmpty()) {
                continue; // moved to another pool a moment ago
            }
            TransferSettings s = found.get();
            lenders.add(m.lender(s));
            long demand = Math.min(
                    Math.min(m.demandNanos(), m.roomNanos()),
                    m.borrowCapNanos(settings.window().toMillis()));
            if (demand > 0 && m.tokensNanos() < (long) (m.burstNanos() * settings.nearEmptyFraction())) {
                borrowers.add(s.borrower(m.key(), demand, Borrower.pressureOf(m.tokensNanos(), demand))
                        .withPriority(asked.getOrDefault(m.key(), Priority.DEFAULT)));
            }
        }
        TransferPlan plan = planner.plan(borrowers, lenders);
        Map<String, Long> weights = new HashMap<>();
        borrowers.forEach(b -> weights.put(b.key(), b.weight()));
        synchronized (state) {
            state.view = view;
            state.share = requireShare(windowShare);
            state.window.roll(clock.millis(), state.shareOf(plan.spareNanos()));
            for (Borrower b : borrowers) {
                state.window.claim(b.key(), b.weight(), b.demandNanos());
            }
            state.reserve(plan, weights);
        }
        return execute(state, plan, weights).thenApply(results -> new RebalanceReport(pool, plan, results));
    }

    /**
     * The sizing tick for {@code pool} on a member that is not its coordinator: renews the view of the lenders and
     * opens the next borrowing window over {@code windowShare} of the pool's spare, moving no tokens.
     *
     * @param windowShare this member's share of the pool's borrowing, in (0, 1]
     */
    public void refresh(String pool, Collection<MemberSnapshot> members, double windowShare) {
        PoolState state = pool(pool);
        Map<String, MemberSnapshot> view = view(pool, members);
        synchronized (state) {
            state.view = view;
            state.share = requireShare(windowShare);
            state.window.roll(clock.millis(), state.shareOf(state.spare(null)));
        }
    }

    /** The pool's figures, or empty for a pool this member has not seen. */
    public Optional<PoolStats> stats(String pool) {
        PoolState state = pools.get(pool);
        return state == null ? Optional.empty() : Optional.of(state.stats());
    }

    /** The pools this member has seen, by name. */
    public Set<String> pools() {
        return new TreeSet<>(pools.keySet());
    }

    /** The members whose settings put them in {@code pool}, by key. */
    private Map<String, MemberSnapshot> view(String pool, Collection<MemberSnapshot> members) {
        Map<String, MemberSnapshot> view = new TreeMap<>();
        for (MemberSnapshot m : members) {
            if (lookup.settingsFor(m.key()).filter(s -> s.pool().equals(pool)).isPresent()) {
                view.put(m.key(), m);
            }
        }
        return view;
    }

    private static double requireShare(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("windowShare must be in (0, 1], was " + share);
        }
        return share;
    }

    private PoolState pool(String name) {
        return pools.computeIfAbsent(
                name, n -> new PoolState(n, settings.window().toMillis(), clock.millis(), lookup, executor, breakers));
    }

    /** Carries out {@code plan}; {@code weights} are its borrowers' weight units, as resolved when it was made. */
    private CompletionStage<List<TransferResult>> execute(
            PoolState pool, TransferPlan plan, Map<String, Long> weights) {
        List<TransferRequest> requests = plan.moves().stream()
                .map(m -> TransferRequest.of(pool.name, ids.next(), m))
                .toList();
        return executor.executeAll(requests).thenApply(results -> {
            for (TransferResult r : results) {
                pool.count(r.outcome());
                observer.answered(pool.name, r);
                r.settlement().whenComplete((settlement, broken) -> {
                    Settlement s =
                            settlement == null ? new Settlement(r.request().nanotokens(), 0, 0, false) : settlement;
                    pool.settle(
                            r.request(),
                            s,
                            weights.getOrDefault(r.request().borrower(), TransferSettings.WEIGHT_UNITS));
                    observer.settled(pool.name, r.request(), s);
                });
            }
            return results;
        });
    }

    private static CompletionStage<BorrowResult> refused(BorrowResult.Reason reason) {
        return CompletableFuture.completedFuture(new BorrowResult.Refused(reason));
    }
}
