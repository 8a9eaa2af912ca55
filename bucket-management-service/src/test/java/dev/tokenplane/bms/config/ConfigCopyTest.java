package dev.tokenplane.bms.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The local copy of the configuration: a write's answer and the map's event bring the same record on two threads, and
 * whichever returns must find the listeners' state (the rule index) already up to date.
 */
class ConfigCopyTest {
    private static final ConfigRecord RULE_V1 = new ConfigRecord("r", 1, 10, false, "{}");

    @Test
    void shouldNotReturnFromAnUnchangedApplyBeforeTheListenersOfTheChangeHaveRun() throws Exception {
        ConfigCopy copy = new ConfigCopy(ConfigKind.RULE);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<ConfigRecord> derived = new AtomicReference<>();
        copy.onChange(r -> {
            inListener.countDown();
            await(release);
            derived.set(r);
        });

        // Given the event thread has taken the record and is running the listeners
        Thread event = new Thread(() -> copy.apply(RULE_V1), "event");
        event.start();
        assertThat(inListener.await(10, TimeUnit.SECONDS)).isTrue();

        // When the write's answer brings the same record
        AtomicReference<ConfigRecord> seenOnReturn = new AtomicReference<>();
        Thread write = new Thread(
                () -> {
                    copy.apply(RULE_V1);
                    seenOnReturn.set(derived.get());
                },
                "write");
        write.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (write.getState() != Thread.State.BLOCKED
                && write.getState() != Thread.State.TERMINATED
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }

        // Then it waits for the listeners, so what it acknowledges is already served
        Thread.State whileListenersRun = write.getState();
        release.countDown();
        write.join(10_000);
        event.join(10_000);
        assertThat(whileListenersRun).isEqualTo(Thread.State.BLOCKED);
        assertThat(seenOnReturn.get()).isEqualTo(RULE_V1);
    }

    @Test
    void shouldKeepTheNewestVersionAndNotifyOnlyOnChange() {
        ConfigCopy copy = new ConfigCopy(ConfigKind.RULE);
        List<Long> notified = new CopyOnWriteArrayList<>();
        copy.onChange(r -> notified.add(r.version()));
        ConfigRecord v2 = new ConfigRecord("r", 2, 20, false, "{}");
        ConfigRecord tombstone = new ConfigRecord("r", 3, 30, true, null);

        copy.apply(v2);
        copy.apply(RULE_V1);
        copy.apply(v2);

        assertThat(copy.get("r")).isEqualTo(v2);
        assertThat(notified).containsExactly(2L);

        copy.apply(tombstone);

        assertThat(copy.live()).isEmpty();
        assertThat(copy.all()).containsExactly(tombstone);
        assertThat(copy.isEmpty()).isFalse();
        assertThat(notified).containsExactly(2L, 3L);
    }

    @Test
    void shouldKeepApplyingWhenAListenerFails() {
        ConfigCopy copy = new ConfigCopy(ConfigKind.RULE);
        List<String> seen = new CopyOnWriteArrayList<>();
        copy.onChange(r -> {
            throw new IllegalStateException("broken listener");
        });
        copy.onChange(r -> seen.add(r.id()));

        copy.apply(RULE_V1);

        assertThat(seen).containsExactly("r");
        assertThat(copy.get("r")).isEqualTo(RULE_V1);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
