package dev.tokenplane.transfer.exec;

import com.hazelcast.core.HazelcastInstance;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.hazelcast.HazelcastBucketStore;
import dev.tokenplane.store.hazelcast.SwitchableClock;
import dev.tokenplane.store.hazelcast.TestMembers;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Hazelcast bucket stores for the executor suites: one embedded member per test class (a unique cluster name, tcp-ip
 * on 127.0.0.1), whose clock is the current test's fake clock, as in the Hazelcast store's own tests.
 *
 * <p>Each store call waits for the member's answer before it returns its (completed) stage. The suites drive time
 * with a manual timer on the fake clock, so a budget or a step timeout would otherwise run out, in fake time, while a
 * real Hazelcast thread is still working. What runs on the member is the real thing: the entry processors, the
 * transfer log that makes steps idempotent and fences them, the floors and the serialization of every step.
 */
final class HazelcastStores implements AutoCloseable {

    private static final String MAP = "transfer-buckets";

    private final SwitchableClock memberClock = new SwitchableClock();
    private HazelcastInstance member;

    /** A new, empty store on the shared member, on {@code clock}. */
    synchronized BucketStore newStore(FakeClock clock) {
        if (member == null) {
            member = TestMembers.startWithBuckets(MAP, memberClock);
        }
        memberClock.use(clock);
        member.getMap(MAP).clear();
        return answered(new HazelcastBucketStore(member, MAP));
    }

    /** {@code store} with every stage completed before the call returns. */
    private static BucketStore answered(BucketStore store) {
        return (BucketStore) Proxy.newProxyInstance(
                BucketStore.class.getClassLoader(), new Class<?>[] {BucketStore.class}, (proxy, method, args) -> {
                    Object value;
                    try {
                        value = method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (!(value instanceof CompletionStage<?> stage)) {
                        return value;
                    }
                    try {
                        return CompletableFuture.completedFuture(
                                stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        return CompletableFuture.failedFuture(e.getCause());
                    }
                });
    }

    @Override
    public synchronized void close() {
        if (member != null) {
            member.shutdown();
            member = null;
        }
    }
}
