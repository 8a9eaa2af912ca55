package dev.tokenplane.bms.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.MemberLeftException;
import com.hazelcast.core.OperationTimeoutException;
import com.hazelcast.spi.exception.PartitionMigratingException;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A starting member's cluster steps run again while the cluster rebalances, and only then, and not forever. */
class StartupRetryTest {

    private final AtomicLong now = new AtomicLong();
    private final StartupRetry retry =
            new StartupRetry(Duration.ofSeconds(3), IntervalFunction.of(Duration.ofMillis(1)), now::get);
    private final AtomicInteger runs = new AtomicInteger();

    @Test
    void shouldRunAStepAgainUntilTheMigrationEnds() throws Exception {
        retry.run("step", () -> {
            if (runs.incrementAndGet() < 3) {
                throw new PartitionMigratingException("partition 0 is migrating");
            }
        });

        assertThat(runs).hasValue(3);
    }

    @Test
    void shouldRunAStepAgainWhateverWrapsTheRebalancingFailure() throws Exception {
        retry.run("step", () -> {
            switch (runs.incrementAndGet()) {
                case 1 -> throw new CompletionException(new MemberLeftException("a member left"));
                case 2 -> throw new IllegalStateException(new OperationTimeoutException("no answer"));
                default -> {}
            }
        });

        assertThat(runs).hasValue(3);
    }

    @Test
    void shouldFailAtOnceForAnythingElse() {
        assertThatThrownBy(() -> retry.run("step", () -> {
                    runs.incrementAndGet();
                    throw new SplitBrainProtectionException("fewer than a majority");
                }))
                .isInstanceOf(SplitBrainProtectionException.class);

        assertThat(runs).hasValue(1);
    }

    @Test
    void shouldGiveUpWithTheLastFailureOnceTheLimitHasPassed() {
        assertThatThrownBy(() -> retry.run("step", () -> {
                    runs.incrementAndGet();
                    now.addAndGet(Duration.ofSeconds(1).toNanos()); // each run takes a second of the three
                    throw new PartitionMigratingException("still migrating");
                }))
                .isInstanceOf(PartitionMigratingException.class)
                .hasMessage("still migrating");

        assertThat(runs).hasValue(3);
    }
}
