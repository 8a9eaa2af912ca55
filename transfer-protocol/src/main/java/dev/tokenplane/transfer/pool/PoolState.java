package dev.tokenplane.transfer.pool;

import dev.tokenplane.transfer.Lender;
import dev.tokenplane.transfer.Move;
import dev.tokenplane.transfer.TransferPlan;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.TransferSettingsLookup;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.Settlement;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferOutcome;
import dev.tokenplane.transfer.exec.TransferRequest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pool's state in {@link PoolTransfers}: its view of its lenders, its borrowing window and its counters. Guarded by
 * its own monitor; the lenders' settings are looked up when they are used, so an operator's change applies at once.
 */
final class PoolState {
    /** Where the settlement warnings go: the protocol's own logger. */
    private static final Logger LOG = LoggerFactory.getLogger(PoolTransfers.class);

    final String name;
    final BorrowWindow window;
    /** The pool's buckets as the last tick saw them (less what was reserved since), by key. */
    Map<String, MemberSnapshot> view = new TreeMap<>();
    /** This member's share of the pool's spare per window. */
    double share = 1;

    private final Map<String, long[]> lentAndBorrowed = new HashMap<>();
    private final Map<TransferOutcome, Long> outcomes = new EnumMap<>(TransferOutcome.class);

    private final TransferSettingsLookup lookup;
    private final TransferExecutor executor;
    private final PoolBreakers breakers;

    /** A pool seen first at {@code nowMillis}, with borrowing windows of {@code windowMillis}. */
    PoolState(
            String name,
            long windowMillis,
            long nowMillis,
            TransferSettingsLookup lookup,
            TransferExecutor executor,
            PoolBreakers breakers) {
        this.name = name;
        this.window = new BorrowWindow(windowMillis, nowMillis);
        this.lookup = lookup;
        this.executor = executor;
        this.breakers = breakers;
    }

    /**
     * The view's buckets as lenders, with the settings in force now; {@code except} (the borrower) and buckets
     * with a transfer in doubt left out.
     */
    synchronized List<Lender> lenders(String except) {
        List<Lender> lenders = new ArrayList<>();
        for (MemberSnapshot m : view.values()) {
            if (!m.key().equals(except) && !executor.isInDoubt(m.key())) {
                settingsOf(m.key()).ifPresent(s -> lenders.add(m.lender(s)));
            }
        }
        return lenders;
    }

    /**
     * What {@code key} may still borrow in the current window by the sizing loop's borrow limit in its snapshot: the
     * limit over {@code windowMillis} less what it has borrowed in the window; {@link Long#MAX_VALUE} without a limit
     * (or a snapshot).
     */
    synchronized long borrowCapLeft(String key, long windowMillis) {
        MemberSnapshot m = view.get(key);
        long cap = m == null ? Long.MAX_VALUE : m.borrowCapNanos(windowMillis);
        return cap == Long.MAX_VALUE ? cap : Math.max(0, cap - window.borrowedNanos(key));
    }

    /** {@code spareNanos} scaled by this member's share, rounded down. */
    synchronized long shareOf(long spareNanos) {
        return share >= 1 ? spareNanos : (long) (spareNanos * share);
    }

    synchronized long spare(String except) {
        return lenders(except).stream().mapToLong(Lender::spareNanos).sum();
    }

    /**
     * The pool's spare, with {@code key}'s share from {@code settings} (a borrower's, resolved by its caller)
     * rather than looked up again.
     */
    synchronized long spareWith(String key, TransferSettings settings) {
        long spare = spare(key);
        MemberSnapshot m = view.get(key);
        if (m != null && !executor.isInDoubt(key) && settings.pool().equals(name)) {
            spare += m.lender(settings).spareNanos();
        }
        return spare;
    }

    /**
     * Counts a planned transfer as done until its settlement says otherwise; {@code weights} are the borrowers'
     * weight units.
     */
    synchronized void reserve(TransferPlan plan, Map<String, Long> weights) {
        for (Move m : plan.moves()) {
            adjustView(m.lender(), -m.nanotokens());
            window.borrowed(
                    m.borrower(), weights.getOrDefault(m.borrower(), TransferSettings.WEIGHT_UNITS), m.nanotokens());
        }
    }

    /** Corrects the reservation by what really happened, and adds it to the totals. */
    synchronized void settle(TransferRequest request, Settlement s, long borrowerWeight) {
        adjustView(request.lender(), request.nanotokens() - (s.debitedNanos() - s.refundedNanos()));
        window.borrowed(request.borrower(), borrowerWeight, s.creditedNanos() - request.nanotokens());
        lentAndBorrowed.computeIfAbsent(request.lender(), k -> new long[2])[0] += s.creditedNanos();
        lentAndBorrowed.computeIfAbsent(request.borrower(), k -> new long[2])[1] += s.creditedNanos();
        if (!s.resolved() || s.lostNanos() > 0) {
            LOG.warn(
                    "transfer {} in pool {} settled with {} nanotokens not returned (resolved: {})",
                    request.id(),
                    name,
                    s.lostNanos(),
                    s.resolved());
        }
    }

    synchronized void count(TransferOutcome outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    synchronized PoolStats stats() {
        Set<String> keys = new TreeSet<>(view.keySet());
        keys.addAll(lentAndBorrowed.keySet());
        List<MemberStats> members = new ArrayList<>();
        long lent = 0;
        long borrowed = 0;
        for (String key : keys) {
            long[] totals = lentAndBorrowed.getOrDefault(key, new long[2]);
            lent += totals[0];
            borrowed += totals[1];
            MemberSnapshot m = view.get(key);
            Optional<TransferSettings> s = settingsOf(key);
            long tokens = m == null ? 0 : m.tokensNanos();
            Lender lender = m == null || s.isEmpty() ? null : m.lender(s.get());
            long spare = lender == null ? 0 : lender.spareNanos();
            long reserve = lender == null ? 0 : lender.reserveNanos();
            members.add(new MemberStats(
                    key,
                    s.map(TransferSettings::region).orElse(""),
                    s.map(TransferSettings::weight).orElse(TransferSettings.DEFAULT_WEIGHT),
                    s.map(TransferSettings::canBorrow).orElse(false),
                    s.map(TransferSettings::canLend).orElse(false),
                    tokens,
                    spare,
                    reserve,
                    window.borrowedNanos(key),
                    totals[0],
                    totals[1],
                    m == null ? null : m.borrowLimitPerSecond()));
        }
        Map<String, Long> transfers = new TreeMap<>();
        outcomes.forEach((outcome, count) -> transfers.put(outcome.label(), count));
        return new PoolStats(
                name,
                breakers.state(name),
                spare(null),
                window.capacityNanos(),
                window.startedAt(),
                lent,
                borrowed,
                transfers,
                members);
    }

    private Optional<TransferSettings> settingsOf(String key) {
        return lookup.settingsFor(key).filter(s -> s.pool().equals(name));
    }

    private void adjustView(String key, long deltaNanos) {
        MemberSnapshot m = view.get(key);
        if (m != null) {
            view.put(key, m.plusTokens(deltaNanos));
        }
    }
}
