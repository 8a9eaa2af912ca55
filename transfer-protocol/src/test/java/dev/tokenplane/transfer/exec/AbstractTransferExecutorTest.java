package dev.tokenplane.transfer.exec;

import static dev.tokenplane.transfer.exec.StoreFixture.RATE;
import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static dev.tokenplane.transfer.exec.StoreFixture.await;
import static dev.tokenplane.transfer.exec.StoreFixture.bucket;
import static dev.tokenplane.transfer.exec.StoreFixture.tokens;
import static dev.tokenplane.transfer.exec.StoreFixture.total;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.TransferLog;
import dev.tokenplane.transfer.exec.FaultyBucketStore.Fault;
import dev.tokenplane.transfer.exec.FaultyBucketStore.Op;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor's contract, with faults injected between and around its steps, against any {@link BucketStore}: a
 * subclass supplies a store whose time comes from the given fake clock.
 *
 * <p>Buckets are kept below capacity and refill one nanotoken per millisecond, so the pool's total is known exactly:
 * {@code initial + buckets * elapsed} while no tokens are in flight, never more.
 */
public abstract class AbstractTransferExecutorTest {

    private static final List<String> POOL = List.of("lender", "borrower");

    protected FakeClock clock;
    protected ManualTimer timer;
    protected FaultyBucketStore store;
    protected TransferExecutor executor;
    private long startedAt;
    private long initialTotal;
    private long ids;

    /** A new, empty store whose operations read the time from {@code clock}. */
    protected abstract BucketStore newStore(FakeClock clock);

    @BeforeEach
    void createPool() {
        clock = new FakeClock();
        timer = new ManualTimer(clock);
        store = new FaultyBucketStore(newStore(clock), clock);
        executor = new TransferExecutor(
                store, null, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());
        bucket(store, "lender", 500);
        bucket(store, "borrower", 0);
        startedAt = clock.millis();
        initialTotal = total(store, POOL);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private TransferRequest request(long tokens, long floorTokens) {
        return new TransferRequest("pool", ++ids, "lender", "borrower", tokens * T, floorTokens * T);
    }

    /** What the pool holds when no tokens are lost or created: the start plus each bucket's refill. */
    private long conserved() {
        return initialTotal + POOL.size() * RATE * (clock.millis() - startedAt);
    }

    private Settlement settled(TransferResult r) {
        CompletableFuture<Settlement> s = r.settlement().toCompletableFuture();
        assertThat(s).as("settled").isDone();
        return s.join();
    }

    @Test
    void shouldDebitTheLenderThenCreditTheBorrower() {
        TransferResult r = await(executor.execute(request(200, 0)));

        assertThat(r).isInstanceOf(TransferResult.Moved.class);
        assertThat(r.outcome()).isEqualTo(TransferOutcome.OK);
        assertThat(r.creditedNanos()).isEqualTo(200 * T);
        assertThat(tokens(store, "lender")).isEqualTo(300 * T);
        assertThat(tokens(store, "borrower")).isEqualTo(200 * T);
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 200 * T, 0, true));
    }

    @Test
    void shouldTakeOnlyWhatLiesAboveTheLendersFloor() {
        TransferResult r = await(executor.execute(request(200, 450)));

        assertThat(r.outcome()).isEqualTo(TransferOutcome.PARTIAL);
        assertThat(r.creditedNanos()).isEqualTo(50 * T);
        assertThat(tokens(store, "lender")).isEqualTo(450 * T);
    }

    @Test
    void shouldRefundWhatTheBorrowerHasNoRoomFor() {
        // Given a borrower 30 tokens short of its capacity
        bucket(store, "full", 970);
        long before = tokens(store, "lender");

        TransferResult r = await(executor.execute(new TransferRequest("pool", 99, "lender", "full", 100 * T, 0)));

        assertThat(r.outcome()).isEqualTo(TransferOutcome.PARTIAL);
        assertThat(settled(r)).isEqualTo(new Settlement(100 * T, 30 * T, 70 * T, true));
        assertThat(tokens(store, "lender")).isEqualTo(before - 30 * T);
        assertThat(tokens(store, "full")).isEqualTo(1_000 * T);
    }

    @Test
    void shouldRejectWithoutChangingAnythingWhenTheLenderHasNothingToSpare() {
        TransferResult r = await(executor.execute(request(10, 500)));

        assertThat(r.outcome()).isEqualTo(TransferOutcome.REJECTED);
        assertThat(settled(r)).isEqualTo(new Settlement(0, 0, 0, true));
        assertThat(total(store, POOL)).isEqualTo(conserved());
    }

    @Test
    void shouldRefundTheLenderWhenTheDebitsAnswerIsLost() {
        // Given a debit that is applied but whose answer never arrives
        store.inject(Op.DEBIT, "lender", Fault.FAIL_AFTER_APPLY);

        TransferResult r = await(executor.execute(request(200, 0)));

        // Then the caller is told it failed, the fence finds the 200 taken, and they go back
        assertThat(r.outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 0, 200 * T, true));
        assertThat(tokens(store, "lender")).isEqualTo(500 * T);
        assertThat(tokens(store, "borrower")).isZero();
    }

    @Test
    void shouldNotRefundACreditThatWasAppliedThoughItsAnswerWasLost() {
        // Given a credit that reaches the borrower but reports a failure: refunding now would create 200 tokens
        store.inject(Op.CREDIT, "borrower", Fault.FAIL_AFTER_APPLY);

        TransferResult r = await(executor.execute(request(200, 0)));

        assertThat(r.outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 200 * T, 0, true));
        assertThat(tokens(store, "borrower")).isEqualTo(200 * T);
        assertThat(total(store, POOL)).isEqualTo(conserved());
    }

    @Test
    void shouldRefundTheLenderWhenTheBorrowersMemberIsLostAndComesBack() {
        // Given the borrower's member is gone
        store.lose("borrower");

        TransferResult r = await(executor.execute(request(200, 0)));

        // Then the transfer fails with the 200 in doubt, missing from the pool but not duplicated
        assertThat(r.outcome()).isEqualTo(TransferOutcome.FAILED);
        assertThat(r.settlement().toCompletableFuture()).isNotDone();
        assertThat(total(store, POOL)).isEqualTo(conserved() - 200 * T);

        // When the partition is back before the next fence attempt
        store.restore("borrower");
        timer.advance(5);

        // Then the fence learns nothing was credited, and the lender gets its tokens back
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 0, 200 * T, true));
        assertThat(total(store, POOL)).isEqualTo(conserved());
        assertThat(tokens(store, "borrower")).isEqualTo(RATE * (clock.millis() - startedAt));
    }

    @Test
    void shouldLeaveTokensMissingRatherThanCreateThemWhenAMemberNeverComesBack() {
        store.lose("borrower");

        TransferResult r = await(executor.execute(request(200, 0)));
        timer.advance(1_000);

        Settlement s = settled(r);
        assertThat(s.resolved()).isFalse();
        assertThat(s.lostNanos()).isEqualTo(200 * T);
        assertThat(total(store, POOL)).isEqualTo(conserved() - 200 * T);
    }

    @Test
    void shouldAnswerWithinTheBudgetWhenAStepHangsAndSettleAfterwards() {
        // Given a credit that is applied but never answers
        store.inject(Op.CREDIT, "borrower", Fault.HANG_AFTER_APPLY);

        CompletableFuture<TransferResult> answer =
                executor.execute(request(200, 0)).toCompletableFuture();

        // Then the caller has no answer before the 2 ms budget, and a timeout at it
        timer.advance(1);
        assertThat(answer).isNotDone();
        timer.advance(1);
        TransferResult r = answer.join();
        assertThat(r)
                .isInstanceOfSatisfying(
                        TransferResult.Failed.class,
                        f -> assertThat(f.timedOut()).isTrue());

        // When the step times out, the fence finds the credit applied: nothing to refund, nothing created
        timer.advance(500);
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 200 * T, 0, true));
        assertThat(total(store, POOL)).isEqualTo(conserved());
    }

    @Test
    void shouldWaitForAPoolsOwnBudgetInsteadOfTheMembers() {
        // Given a member budget of 2 ms, a pool "patient" with its own budget of 50 ms, and credits that never answer
        executor = new TransferExecutor(
                store,
                null,
                timer,
                () -> clock.millis() * 1_000_000,
                TransferExecutor.Settings.defaults(),
                pool -> pool.equals("patient") ? Duration.ofMillis(50) : null);
        bucket(store, "other", 0);
        store.inject(Op.CREDIT, "borrower", Fault.HANG_AFTER_APPLY);
        store.inject(Op.CREDIT, "other", Fault.HANG_AFTER_APPLY);

        CompletableFuture<TransferResult> patient = executor.execute(
                        new TransferRequest("patient", ++ids, "lender", "borrower", 10 * T, 0))
                .toCompletableFuture();
        CompletableFuture<TransferResult> member = executor.execute(
                        new TransferRequest("pool", ++ids, "lender", "other", 10 * T, 0))
                .toCompletableFuture();

        // Then the pool without a budget of its own times out at the member's 2 ms, the patient pool only at its 50
        timer.advance(2);
        assertThat(member).isDone();
        assertThat(member.join())
                .isInstanceOfSatisfying(
                        TransferResult.Failed.class,
                        f -> assertThat(f.timedOut()).isTrue());
        assertThat(patient).isNotDone();
        timer.advance(47);
        assertThat(patient).isNotDone();
        timer.advance(1);
        assertThat(patient.join())
                .isInstanceOfSatisfying(
                        TransferResult.Failed.class,
                        f -> assertThat(f.cause()).hasMessageContaining("budget of 50000 us"));
    }

    @Test
    void shouldFenceALateCreditSoThatItIsNeverApplied() {
        // Given a credit held up in the network
        store.inject(Op.CREDIT, "borrower", Fault.DELAY_APPLY);
        CompletableFuture<TransferResult> answer =
                executor.execute(request(200, 0)).toCompletableFuture();
        timer.advance(500);
        TransferResult r = await(answer);
        assertThat(settled(r)).isEqualTo(new Settlement(200 * T, 0, 200 * T, true));

        // When it finally arrives, after the lender was refunded
        store.releaseDelayed();

        // Then the borrower's bucket replays the fence's 0 instead of adding 200
        assertThat(tokens(store, "borrower")).isEqualTo(RATE * (clock.millis() - startedAt));
        assertThat(total(store, POOL)).isEqualTo(conserved());
    }

    @Test
    void shouldKeepALateDebitFencedWhileLaterTransfersFromItsLenderFollow() {
        // Given a debit held up in the network: its transfer runs out of time, fences the debit and settles
        store.inject(Op.DEBIT, "lender", Fault.DELAY_APPLY);
        CompletableFuture<TransferResult> late = executor.execute(request(1, 0)).toCompletableFuture();
        timer.advance(500);
        assertThat(settled(await(late)).resolved()).isTrue();

        // When more transfers from the same lender follow than its log remembers steps (some may be refused)
        for (int i = 0; i < TransferLog.CAPACITY; i++) {
            await(executor.execute(request(1, 0)));
        }
        // And the held-up debit finally reaches the lender
        store.releaseDelayed();

        // Then the lender's log still holds the fence, which answers the debit with 0: no token is lost
        assertThat(total(store, POOL)).isEqualTo(conserved());
    }

    @Test
    void shouldNotRefundACreditItsBorrowerForgotWhileOtherMembersTransferredIntoIt() {
        // Given member A's credit to the borrower is applied but its answer hangs until A's step timeout
        bucket(store, "lender-b", 500);
        long before = total(store, List.of("lender", "borrower", "lender-b"));
        store.inject(Op.CREDIT, "borrower", Fault.HANG_AFTER_APPLY);
        CompletableFuture<TransferResult> a = executor.execute(request(200, 0)).toCompletableFuture();

        // When member B (its own executor, which knows nothing of A's doubt) runs more transfers into the borrower
        // than the borrower's log remembers
        TransferExecutor memberB = new TransferExecutor(
                store, null, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());
        for (int i = 0; i < TransferLog.CAPACITY; i++) {
            TransferResult r =
                    await(memberB.execute(new TransferRequest("pool", 10_000 + i, "lender-b", "borrower", T, 0)));
            assertThat(r.creditedNanos()).isEqualTo(T);
        }
        // And A's step times out and A fences its credit
        timer.advance(500);
        Settlement s = settled(await(a));

        // Then the borrower cannot vouch for the credit, and A refunds nothing: the 200 are not there twice
        assertThat(s.refundedNanos()).isZero();
        assertThat(s.resolved()).isFalse();
        assertThat(tokens(store, "lender")).isEqualTo(300 * T + RATE * (clock.millis() - startedAt));
        assertThat(total(store, List.of("lender", "borrower", "lender-b")))
                .isEqualTo(before + 3 * RATE * (clock.millis() - startedAt));
    }

    @Test
    void shouldNotApplyALateStepToABucketThatWasRemovedAndCreatedAgain() {
        // Given a credit held up in the network while its borrower is gone (evicted): the fence finds no bucket
        store.inject(Op.CREDIT, "borrower", Fault.DELAY_APPLY);
        CompletableFuture<TransferResult> answer =
                executor.execute(request(200, 0)).toCompletableFuture();
        await(store.remove("borrower"));
        timer.advance(500);
        Settlement s = settled(await(answer));

        // Then the lender is not refunded on the word of a bucket that is not there
        assertThat(s.refundedNanos()).isZero();
        assertThat(tokens(store, "lender")).isEqualTo(300 * T + RATE * (clock.millis() - startedAt));

        // And when the bucket is created again and the late credit lands, the 200 exist once at most
        bucket(store, "borrower", 0);
        store.releaseDelayed();
        assertThat(tokens(store, "lender") + tokens(store, "borrower"))
                .isLessThanOrEqualTo(500 * T + RATE * (clock.millis() - startedAt));
    }

    @Test
    void shouldStartNoTransferTouchingABucketInDoubtUntilItHasSettled() {
        // Given a transfer whose credit hangs past the budget
        bucket(store, "other", 100);
        store.inject(Op.CREDIT, "borrower", Fault.HANG_AFTER_APPLY);
        CompletableFuture<TransferResult> doubtful =
                executor.execute(request(200, 0)).toCompletableFuture();
        timer.advance(2);
        assertThat(doubtful.join().outcome()).isEqualTo(TransferOutcome.FAILED);
        int calls = store.stepCalls();

        // When another transfer would credit the same borrower, or debit the same lender
        TransferResult toBorrower =
                await(executor.execute(new TransferRequest("pool", 501, "other", "borrower", T, 0)));
        TransferResult fromLender = await(executor.execute(new TransferRequest("pool", 502, "lender", "other", T, 0)));

        // Then neither touches the store: a new step could push the doubtful one out of the bucket's transfer log
        assertThat(List.of(toBorrower, fromLender)).allSatisfy(r -> {
            assertThat(r)
                    .isInstanceOfSatisfying(
                            TransferResult.NotAttempted.class,
                            n -> assertThat(n.reason()).isEqualTo(TransferResult.Reason.BUCKET_IN_DOUBT));
            assertThat(r.outcome()).isEqualTo(TransferOutcome.REJECTED);
        });
        assertThat(store.stepCalls()).isEqualTo(calls);
        assertThat(executor.isInDoubt("borrower")).isTrue();

        // And once the doubtful transfer has settled, transfers resume
        timer.advance(500);
        assertThat(settled(doubtful.join()).resolved()).isTrue();
        assertThat(executor.isInDoubt("borrower")).isFalse();
        assertThat(await(executor.execute(new TransferRequest("pool", 503, "other", "borrower", T, 0)))
                        .outcome())
                .isEqualTo(TransferOutcome.OK);
    }

    @Test
    void shouldNotLetLaterTransfersPushAStepInFlightOutOfTheBucketsLog() {
        // Given a credit that is applied and hangs, its budget not yet run out, so nobody knows it is in doubt yet
        bucket(store, "other", 100);
        List<String> buckets = List.of("lender", "borrower", "other");
        long before = total(store, buckets);
        long at = clock.millis();
        store.inject(Op.CREDIT, "borrower", Fault.HANG_AFTER_APPLY);
        CompletableFuture<TransferResult> hung =
                executor.execute(request(200, 0)).toCompletableFuture();

        // When more transfers to the same borrower follow at once, as many as its log remembers
        List<TransferResult> later = new ArrayList<>();
        for (int i = 0; i < TransferLog.CAPACITY; i++) {
            later.add(await(executor.execute(new TransferRequest("pool", 600 + i, "other", "borrower", T, 0))));
        }

        // Then only as many start as leave the hung step in the log; the others are not attempted
        assertThat(later).filteredOn(r -> r.outcome() == TransferOutcome.OK).isNotEmpty();
        assertThat(later)
                .filteredOn(r -> r instanceof TransferResult.NotAttempted)
                .isNotEmpty();
        // And its fence finds the credit: nothing is refunded, so no token is created
        timer.advance(500);
        assertThat(settled(hung.join())).isEqualTo(new Settlement(200 * T, 200 * T, 0, true));
        assertThat(total(store, buckets)).isEqualTo(before + buckets.size() * RATE * (clock.millis() - at));
    }

    @Test
    void shouldReplayEveryStepWhenTheSameTransferIsRetried() {
        TransferRequest request = request(200, 0);
        TransferResult first = await(executor.execute(request));

        TransferResult again = await(executor.execute(request));

        assertThat(again.creditedNanos()).isEqualTo(first.creditedNanos());
        assertThat(tokens(store, "lender")).isEqualTo(300 * T);
        assertThat(tokens(store, "borrower")).isEqualTo(200 * T);
    }

    @Test
    void shouldNotDoubleCreditWhenAFailedAndRefundedTransferIsRetried() {
        // Given a transfer whose credit never reached the borrower and that was refunded
        store.inject(Op.CREDIT, "borrower", Fault.FAIL_BEFORE_APPLY);
        TransferRequest request = request(200, 0);
        settled(await(executor.execute(request)));

        // When the caller retries it under the same id
        TransferResult again = await(executor.execute(request));

        // Then every step replays: the fenced credit stays 0 and the refund is not paid twice
        assertThat(settled(again)).isEqualTo(new Settlement(200 * T, 0, 200 * T, true));
        assertThat(tokens(store, "lender")).isEqualTo(500 * T);
        assertThat(tokens(store, "borrower")).isZero();
    }

    @Test
    void shouldReplayTheStoresStepsWhenAnotherExecutorRetriesTheSameTransfer() {
        // Given a transfer carried out by one executor
        TransferRequest request = request(200, 0);
        await(executor.execute(request));

        // When another executor (which never ran it) executes it again under the same id
        TransferExecutor other = new TransferExecutor(
                store, null, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());
        TransferResult again = await(other.execute(request));

        // Then the buckets' logs replay both steps: nothing moves twice
        assertThat(again.creditedNanos()).isEqualTo(200 * T);
        assertThat(tokens(store, "lender")).isEqualTo(300 * T);
        assertThat(tokens(store, "borrower")).isEqualTo(200 * T);
    }

    @Test
    void shouldNotLoseTokensWhenASettledTransferIsRetriedAfterItsLenderForgotIt() {
        // Given a settled transfer, then more steps on its lender than the lender's log remembers
        TransferRequest first = request(1, 0);
        await(executor.execute(first));
        bucket(store, "third", 0);
        for (int i = 0; i <= TransferLog.CAPACITY; i++) {
            await(executor.execute(new TransferRequest("pool", 500 + i, "lender", "third", T, 0)));
        }
        long lender = tokens(store, "lender");

        // When the first transfer is executed again
        TransferResult again = await(executor.execute(first));

        // Then the executor answers from its memory instead of debiting the lender a second time
        assertThat(again.creditedNanos()).isEqualTo(T);
        assertThat(tokens(store, "lender")).isEqualTo(lender);
        assertThat(tokens(store, "borrower")).isEqualTo(T);
    }

    @Test
    void shouldRefuseAnotherRequestUnderARememberedId() {
        TransferRequest first = request(100, 0);
        await(executor.execute(first));

        TransferResult clash =
                await(executor.execute(new TransferRequest("pool", first.id(), "lender", "borrower", 50 * T, 0)));

        assertThat(clash)
                .isInstanceOfSatisfying(
                        TransferResult.NotAttempted.class,
                        n -> assertThat(n.reason()).isEqualTo(TransferResult.Reason.DUPLICATE_ID));
        assertThat(tokens(store, "lender")).isEqualTo(400 * T);
    }

    @Test
    void shouldCarryOutABatchAndAnswerInOrder() {
        bucket(store, "other", 0);

        List<TransferResult> results = await(executor.executeAll(List.of(
                new TransferRequest("pool", 1_001, "lender", "borrower", 100 * T, 0),
                new TransferRequest("pool", 1_002, "lender", "other", 50 * T, 0))));

        assertThat(results).extracting(TransferResult::creditedNanos).containsExactly(100 * T, 50 * T);
        assertThat(tokens(store, "lender")).isEqualTo(350 * T);
    }
}
