package dev.tokenplane.transfer.exec;

import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static dev.tokenplane.transfer.exec.StoreFixture.await;
import static dev.tokenplane.transfer.exec.StoreFixture.bucket;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.local.LocalBucketStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Where the executor's continuations run: steps on {@code callbacks}, the answer after a credit on {@code afterCredit}. */
class TransferExecutorThreadsTest {

    private final FakeClock clock = new FakeClock();
    private final LocalBucketStore store = new LocalBucketStore(clock);
    private final List<String> ran = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        store.close();
    }

    private Executor recording(String name) {
        return task -> {
            ran.add(name);
            task.run();
        };
    }

    private TransferExecutor executor(TransferExecutor.Settings settings) {
        return new TransferExecutor(store, null, new ManualTimer(clock), () -> clock.millis() * 1_000_000, settings);
    }

    @Test
    void shouldAnswerAfterTheCreditOnItsOwnExecutorAndHandARefundToTheCallbacks() {
        // Given a borrower with room for 30 of the 100 tokens to move
        bucket(store, "lender", 500);
        bucket(store, "borrower", 970);
        TransferExecutor executor = executor(TransferExecutor.Settings.defaults()
                .withCallbacks(recording("callbacks"))
                .withAfterCredit(recording("after-credit")));

        TransferResult r = await(executor.execute(new TransferRequest("pool", 1, "lender", "borrower", 100 * T, 0)));

        // Then the debit continues on the callbacks, the answer after the credit on its own executor, and the refund
        // of the 70 that did not fit, which goes to the lender, is handed back to the callbacks
        assertThat(r.creditedNanos()).isEqualTo(30 * T);
        assertThat(ran).containsExactly("callbacks", "after-credit", "callbacks", "callbacks");
        assertThat(await(r.settlement())).isEqualTo(new Settlement(100 * T, 30 * T, 70 * T, true));
    }

    @Test
    void shouldUseTheCallbacksForTheAnswerToUnlessToldOtherwise() {
        bucket(store, "lender", 500);
        bucket(store, "borrower", 0);
        TransferExecutor executor =
                executor(TransferExecutor.Settings.defaults().withCallbacks(recording("callbacks")));

        await(executor.execute(new TransferRequest("pool", 1, "lender", "borrower", 100 * T, 0)));

        assertThat(ran).containsExactly("callbacks", "callbacks");
    }
}
