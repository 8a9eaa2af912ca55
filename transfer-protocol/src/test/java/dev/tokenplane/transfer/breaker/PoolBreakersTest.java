package dev.tokenplane.transfer.breaker;

import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static dev.tokenplane.transfer.exec.StoreFixture.await;
import static dev.tokenplane.transfer.exec.StoreFixture.bucket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;
import dev.tokenplane.transfer.exec.FaultyBucketStore;
import dev.tokenplane.transfer.exec.FaultyBucketStore.Fault;
import dev.tokenplane.transfer.exec.FaultyBucketStore.Op;
import dev.tokenplane.transfer.exec.ManualTimer;
import dev.tokenplane.transfer.exec.TransferExecutor;
import dev.tokenplane.transfer.exec.TransferOutcome;
import dev.tokenplane.transfer.exec.TransferRequest;
import dev.tokenplane.transfer.exec.TransferResult;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pool breaker through the executor, on a fake clock: closed, open, half-open, closed; nothing tried while open. */
class PoolBreakersTest {

    private FakeClock clock;
    private ManualTimer timer;
    private FaultyBucketStore store;
    private PoolBreakers breakers;
    private TransferExecutor executor;
    private long ids;

    @BeforeEach
    void setUp() {
        clock = new FakeClock();
        timer = new ManualTimer(clock);
        store = new FaultyBucketStore(new LocalBucketStore(clock), clock);
        breakers = PoolBreakers.withDefaults(clock);
        executor = new TransferExecutor(
                store, breakers, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());
        bucket(store, "lender", 900);
        bucket(store, "borrower", 0);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private TransferResult transfer() {
        return await(executor.execute(new TransferRequest("p", ++ids, "lender", "borrower", T, 0)));
    }

    /**
     * A transfer that fails because the borrower's member is lost; the member comes back in time for the fence, so
     * the transfer settles and its buckets are no longer in doubt for the next one.
     */
    private void failOne() {
        store.lose("borrower");
        assertThat(transfer().outcome()).isEqualTo(TransferOutcome.FAILED);
        store.restore("borrower");
        timer.advance(5);
    }

    private void failTenTransfers() {
        for (int i = 0; i < PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS; i++) {
            failOne();
        }
    }

    @Test
    void shouldGoFromClosedToOpenToHalfOpenToClosed() {
        // Given a closed breaker
        assertThat(breakers.state("p")).isEqualTo(BreakerState.CLOSED);

        // When the borrower's member is lost for ten transfers
        failTenTransfers();

        // Then the breaker opens
        assertThat(breakers.state("p")).isEqualTo(BreakerState.OPEN);

        // When the wait in the open state has passed, the next transfer is a probe
        clock.advance(PoolBreakers.DEFAULT_WAIT_IN_OPEN_STATE.toMillis() + 1);
        assertThat(transfer().outcome()).isEqualTo(TransferOutcome.OK);
        assertThat(breakers.state("p")).isEqualTo(BreakerState.HALF_OPEN);

        // And when the probes succeed, it closes
        for (int i = 1; i < PoolBreakers.DEFAULT_HALF_OPEN_PROBES; i++) {
            assertThat(transfer().outcome()).isEqualTo(TransferOutcome.OK);
        }
        assertThat(breakers.state("p")).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void shouldAttemptNoTransferWhileOpen() {
        failTenTransfers();
        int callsBefore = store.stepCalls();

        TransferResult r = transfer();

        assertThat(r)
                .isInstanceOfSatisfying(
                        TransferResult.NotAttempted.class,
                        n -> assertThat(n.reason()).isEqualTo(TransferResult.Reason.BREAKER_OPEN));
        assertThat(r.outcome()).isEqualTo(TransferOutcome.BREAKER_OPEN);
        assertThat(store.stepCalls()).isEqualTo(callsBefore);
        assertThat(breakers.states()).containsEntry("p", BreakerState.OPEN);
    }

    @Test
    void shouldReopenWhenTheProbesFail() {
        failTenTransfers();
        clock.advance(PoolBreakers.DEFAULT_WAIT_IN_OPEN_STATE.toMillis() + 1);

        for (int i = 0; i < PoolBreakers.DEFAULT_HALF_OPEN_PROBES; i++) {
            failOne();
        }

        assertThat(breakers.state("p")).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void shouldOpenOnTransfersThatTimeOut() {
        // each on buckets of its own: a store call that never answers keeps its buckets' log steps reserved
        for (int i = 0; i < PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS; i++) {
            bucket(store, "lender-" + i, 900);
            bucket(store, "borrower-" + i, 0);
            store.inject(Op.CREDIT, "borrower-" + i, Fault.HANG_AFTER_APPLY);
            CompletableFuture<TransferResult> answer = executor.execute(
                            new TransferRequest("p", ++ids, "lender-" + i, "borrower-" + i, T, 0))
                    .toCompletableFuture();
            timer.advance(2);
            assertThat(answer.join())
                    .isInstanceOfSatisfying(
                            TransferResult.Failed.class,
                            f -> assertThat(f.timedOut()).isTrue());
            timer.advance(500); // the hung step times out and is fenced; the transfer settles
        }

        assertThat(breakers.state("p")).isEqualTo(BreakerState.OPEN);
    }

    @Test
    void shouldOpenOnSlowTransfersEvenWhenTheySucceed() {
        // Every store call takes 3 ms of fake time: each transfer succeeds in 6 ms, over the 1 ms slow threshold
        store.slow(3);

        for (int i = 0; i < PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS; i++) {
            assertThat(transfer().outcome()).isEqualTo(TransferOutcome.OK);
        }

        assertThat(breakers.state("p")).isEqualTo(BreakerState.OPEN);
        assertThat(breakers.breaker("p").getMetrics().getNumberOfSlowSuccessfulCalls())
                .isEqualTo(PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS);
    }

    @Test
    void shouldStayClosedOnHealthyFastTransfers() {
        for (int i = 0; i < 3 * PoolBreakers.DEFAULT_MINIMUM_NUMBER_OF_CALLS; i++) {
            transfer();
        }

        assertThat(breakers.state("p")).isEqualTo(BreakerState.CLOSED);
        assertThat(breakers.state("never-used")).isEqualTo(BreakerState.CLOSED);
    }

    @Test
    void shouldShowEveryResilience4jStateAsOneOfOurThree() {
        assertThat(BreakerState.of(CircuitBreaker.State.FORCED_OPEN)).isEqualTo(BreakerState.OPEN);
        assertThat(BreakerState.of(CircuitBreaker.State.DISABLED)).isEqualTo(BreakerState.CLOSED);
        assertThat(BreakerState.of(CircuitBreaker.State.METRICS_ONLY)).isEqualTo(BreakerState.CLOSED);
        assertThat(BreakerState.HALF_OPEN.label()).isEqualTo("half_open");
    }

    @Test
    void shouldFollowThePoolsOwnThresholdsAndRebuildItsBreakerWhenTheyChange() {
        // Given pool p judged on its last 2 transfers, opening at 50% failures, on the same fake clock
        java.util.Map<String, BreakerTuning> tuning = new java.util.concurrent.ConcurrentHashMap<>();
        tuning.put("p", new BreakerTuning(null, null, null, 2, 2, 1_000L, 1));
        breakers = new PoolBreakers(
                PoolBreakers.defaults(clock).build(), pool -> tuning.getOrDefault(pool, BreakerTuning.NONE));
        executor = new TransferExecutor(
                store, breakers, timer, () -> clock.millis() * 1_000_000, TransferExecutor.Settings.defaults());

        // When two transfers fail
        failOne();
        failOne();

        // Then it is open after two, not ten
        assertThat(breakers.state("p")).isEqualTo(BreakerState.OPEN);
        assertThat(breakers.config("p").getWaitIntervalFunctionInOpenState().apply(1))
                .isEqualTo(1_000L);

        // And when its thresholds change, the next transfer gets a new breaker, closed
        tuning.put("p", new BreakerTuning(90.0, null, null, 2, 2, 1_000L, 1));
        assertThat(transfer().outcome()).isEqualTo(TransferOutcome.OK);
        assertThat(breakers.state("p")).isEqualTo(BreakerState.CLOSED);
        assertThat(breakers.breaker("p").getCircuitBreakerConfig().getFailureRateThreshold())
                .isEqualTo(90);
        // with the member's clock still: the fake one
        assertThat(breakers.breaker("p").getCircuitBreakerConfig().getClock().millis())
                .isEqualTo(clock.millis());
    }

    @Test
    void shouldRefuseThresholdsOutOfRangeNamingTheField() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new BreakerTuning(0.0, null, null, null, null, null, null))
                .hasMessage("failureRateThreshold must be in (0, 100], was 0.0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BreakerTuning(null, null, null, 5, 6, null, null))
                .hasMessage("minimumNumberOfCalls must be at most slidingWindowSize (5), was 6");
    }
}
