package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.TransferLog;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a transfer may start: its buckets are not in doubt, their logs have room for its steps, and its id
 * has not run recently. One per {@link TransferExecutor}; thread-safe.
 *
 * <h2>Buckets in doubt</h2>
 * A fence works only while the bucket still remembers the step ({@link TransferLog#CAPACITY} steps); a credit pushed
 * out of the log by later steps would read as never applied, and its refund would create tokens. So from the moment a
 * transfer fails or runs out of budget until it has settled, its lender and borrower are <em>in doubt</em>: no
 * transfer that touches them is started ({@link TransferResult.Reason#BUCKET_IN_DOUBT}). Before anyone knows that a
 * step is doubtful (between sending it and its answer or its budget), other transfers must not push it out either:
 * each transfer reserves the steps it may append to each bucket (a lender's debit, its fence and the refund:
 * {@value #LENDER_STEPS}; a borrower's credit and its fence: {@value #BORROWER_STEPS}), and a transfer is started only
 * if the steps reserved on each of its buckets since the oldest transfer on it that has not settled still fit the log.
 * A transfer keeps its reservation until it has settled <em>and</em> every store call it made has answered: a step
 * that timed out may still reach its bucket late, and its fence protects it from being applied only while the
 * bucket's log still holds the fence. Transfers settle in well under a millisecond, so this bites only when a step
 * hangs, or when more than a few transfers touch one bucket at once. Other BMS members do not see this executor's
 * doubts or reservations; the log's capacity covers their transfers during one fence.
 *
 * <h2>Executing a request again</h2>
 * A request whose id has run recently (the last {@value #REMEMBERED} transfers, settled or not) is not run again: the
 * executor answers with the first run's result. The buckets' logs would replay its steps too, but only while they
 * still remember them; once later steps have pushed a settled transfer's debit out of its lender's log, a second run
 * would debit the lender again while the borrower's log, remembering the credit, replays it as done, and the tokens
 * would be lost. A different request under a remembered id is not attempted
 * ({@link TransferResult.Reason#DUPLICATE_ID}). Beyond that memory ids must simply not repeat, which
 * {@link TransferIds#random()} sees to.
 */
final class TransferAdmission {

    /** How many transfers, by id, are remembered so that executing one again replays its first result. */
    static final int REMEMBERED = 1_024;
    /** Log steps a transfer may append to its lender: the debit, its fence, the refund. */
    static final int LENDER_STEPS = 3;
    /** Log steps a transfer may append to its borrower: the credit and its fence. */
    static final int BORROWER_STEPS = 2;

    /** Buckets with failed transfers that have not settled, and how many. */
    private final Map<String, Integer> inDoubt = new ConcurrentHashMap<>();
    /** Per bucket with unsettled transfers: log steps reserved, and the count at which each unsettled one began. */
    private final Map<String, Reservations> reservations = new HashMap<>();
    /** The last {@value #REMEMBERED} transfers' answers by id; guarded by {@link #reservations}. */
    private final Map<Long, CompletableFuture<TransferResult>> remembered = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, CompletableFuture<TransferResult>> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * What {@link #admit} decided: {@code earlier} is the first run's answer when the id ran recently, otherwise
     * {@code marks} are the reservation's marks (lender, borrower), or null when a bucket has no room now.
     */
    record Admission(CompletableFuture<TransferResult> earlier, long[] marks) {}

    boolean isInDoubt(String key) {
        return inDoubt.containsKey(key);
    }

    boolean eitherInDoubt(TransferRequest request) {
        return isInDoubt(request.lender()) || isInDoubt(request.borrower());
    }

    /**
     * Admits {@code request} unless its id ran recently or a bucket has no room; when admitted, its steps are reserved
     * and {@code answer} is remembered under its id.
     */
    Admission admit(TransferRequest request, CompletableFuture<TransferResult> answer) {
        synchronized (reservations) {
            CompletableFuture<TransferResult> earlier = remembered.get(request.id());
            if (earlier != null) {
                return new Admission(earlier, null);
            }
            long[] marks = reserve(request);
            if (marks != null) {
                remembered.put(request.id(), answer);
            }
            return new Admission(null, marks);
        }
    }

    /** Forgets an admitted transfer that never touched the store, so that a retry runs for real. */
    void forget(TransferRequest request, CompletableFuture<TransferResult> answer, long[] marks) {
        synchronized (reservations) {
            remembered.remove(request.id(), answer);
        }
        release(request, marks);
    }

    /** Releases the steps reserved at {@code marks}. */
    void release(TransferRequest request, long[] marks) {
        synchronized (reservations) {
            if (reservations.get(request.lender()).release(marks[0])) {
                reservations.remove(request.lender());
            }
            if (reservations.get(request.borrower()).release(marks[1])) {
                reservations.remove(request.borrower());
            }
        }
    }

    /** Puts both buckets of a failed transfer in doubt until {@code settled} completes. */
    void doubtUntil(TransferRequest request, CompletionStage<?> settled) {
        doubt(request.lender(), 1);
        doubt(request.borrower(), 1);
        settled.whenComplete((s, e) -> {
            doubt(request.lender(), -1);
            doubt(request.borrower(), -1);
        });
    }

    private void doubt(String key, int delta) {
        inDoubt.merge(key, delta, (a, b) -> a + b == 0 ? null : a + b);
    }

    /** The marks, or null when either bucket has no room now. The caller holds the reservation map's lock. */
    private long[] reserve(TransferRequest request) {
        Reservations lender = reservations.get(request.lender());
        Reservations borrower = reservations.get(request.borrower());
        boolean room =
                (lender == null || lender.fits(LENDER_STEPS)) && (borrower == null || borrower.fits(BORROWER_STEPS));
        if (!room) {
            return null;
        }
        return new long[] {
            reservations
                    .computeIfAbsent(request.lender(), k -> new Reservations())
                    .reserve(LENDER_STEPS),
            reservations
                    .computeIfAbsent(request.borrower(), k -> new Reservations())
                    .reserve(BORROWER_STEPS)
        };
    }

    /** One bucket's reservations; guarded by the reservation map. */
    private static final class Reservations {
        private long reserved;
        /** The count at which each unsettled transfer began: distinct, since every transfer reserves steps. */
        private final TreeSet<Long> unsettledSince = new TreeSet<>();

        /** Whether {@code steps} more can be appended without pushing the oldest unsettled transfer's step out. */
        boolean fits(int steps) {
            return unsettledSince.isEmpty() || reserved + steps - unsettledSince.first() <= TransferLog.CAPACITY;
        }

        long reserve(int steps) {
            long mark = reserved;
            reserved += steps;
            unsettledSince.add(mark);
            return mark;
        }

        /** Releases the reservation made at {@code mark}; true when nothing is reserved any more. */
        boolean release(long mark) {
            unsettledSince.remove(mark);
            return unsettledSince.isEmpty();
        }
    }
}
