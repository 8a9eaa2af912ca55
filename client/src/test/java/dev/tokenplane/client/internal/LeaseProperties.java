package dev.tokenplane.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.bms.leases.Lease;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.DecisionSource;
import dev.tokenplane.client.InvalidRequestException;
import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.FakeClock;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.local.LocalBucketStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Leases never over-admit: over random schedules of acquires by several leasing clients of one bucket, renewals whose
 * answers arrive late and in any order, lease ends that give tokens back, and time passing, the tokens the clients
 * grant never exceed {@code capacity + refill * elapsed}, and every token the bucket gave is either granted, held in
 * a lease, or given back. Each release names a lease the BMS recorded and never asks for more than that lease took.
 *
 * <p>The BMS is a {@link LocalBucketStore} on a fake clock (the same bucket maths) and a ledger of leases applying the
 * BMS's own rule ({@link Lease#release}); its answers are queued and delivered when the schedule says, so renewals
 * overlap with other requests, lease ends and the passing of time.
 */
class LeaseProperties {
    private static final String KEY = "tenant:k";

    sealed interface Action permits Acquire, Advance, Deliver, Expire {}

    record Acquire(int client, int tokens) implements Action {}

    record Advance(long ms) implements Action {}

    record Deliver(boolean newest) implements Action {}

    record Expire(int client) implements Action {}

    /** The bucket, with the answers the schedule has not delivered yet. */
    static final class Bucket implements LeaseBook.Backend {
        final FakeClock clock;
        final LocalBucketStore store;
        final BucketSpec spec;
        final Deque<Runnable> pending = new ArrayDeque<>();
        final Map<String, Lease> ledger = new HashMap<>();
        final long leaseTtlMs;
        long given;
        long credited;
        long leases;
        long refused;

        Bucket(FakeClock clock, long capacity, long refillPerSecond, long leaseTtlMs) {
            this.clock = clock;
            this.leaseTtlMs = leaseTtlMs;
            this.store = new LocalBucketStore(clock);
            this.spec = BucketSpec.of(capacity, refillPerSecond);
        }

        @Override
        public boolean available() {
            return true;
        }

        @Override
        public CompletionStage<Decision> acquire(String key, long tokens) {
            return lease(key, tokens, false).thenApply(LeaseBook.Grant::decision);
        }

        @Override
        public CompletionStage<LeaseBook.Grant> lease(String key, long tokens) {
            return lease(key, tokens, true);
        }

        private CompletionStage<LeaseBook.Grant> lease(String key, long tokens, boolean lease) {
            CompletableFuture<LeaseBook.Grant> answer = new CompletableFuture<>();
            // the bucket decides when the request arrives, which the schedule picks
            pending.add(() -> {
                AcquireResult r = store.acquire(key, spec, tokens, 0)
                        .toCompletableFuture()
                        .join();
                if (r instanceof AcquireResult.Unsatisfiable) {
                    answer.completeExceptionally(new InvalidRequestException("validation", "too many tokens"));
                    return;
                }
                String leaseId = null;
                if (r.granted()) {
                    given += tokens;
                    if (lease) {
                        leaseId = "L" + ++leases;
                        ledger.put(leaseId, new Lease(null, tokens, clock.millis() + leaseTtlMs));
                    }
                }
                long retryAfter = r instanceof AcquireResult.Denied d ? d.retryAfterMs() : 0;
                answer.complete(new LeaseBook.Grant(
                        new Decision(
                                key,
                                r.granted(),
                                tokens,
                                r.remaining(),
                                r.capacity(),
                                r.refillPerSecond(),
                                0,
                                retryAfter,
                                "rule",
                                DecisionSource.BMS),
                        leaseId));
            });
            return answer;
        }

        @Override
        public CompletionStage<?> release(String key, String leaseId, long tokens) {
            CompletableFuture<Void> answer = new CompletableFuture<>();
            pending.add(() -> {
                Lease.Release r = Lease.release(ledger.get(leaseId), null, tokens, clock.millis());
                if (r instanceof Lease.Returned returned) {
                    ledger.remove(leaseId);
                    // the client never gives back more than the lease it names took
                    assertThat(returned.tokens()).isEqualTo(tokens);
                    credited += store.credit(key, Tokens.toNano(returned.tokens()))
                            .toCompletableFuture()
                            .join();
                } else {
                    refused += tokens; // the lease had expired: the tokens are lost
                }
                answer.complete(null);
            });
            return answer;
        }
    }

    @Property(tries = 300)
    void shouldNeverGrantMoreThanTheBucketBound(
            @ForAll @IntRange(min = 4, max = 200) int capacity,
            @ForAll @IntRange(min = 1, max = 50) int refillPerSecond,
            @ForAll @IntRange(min = 1, max = 3) int clients,
            @ForAll("schedules") List<Action> schedule) {
        // Given leasing clients of one bucket
        FakeClock clock = new FakeClock();
        long start = clock.millis();
        LeaseMath.Policy policy = new LeaseMath.Policy(500, 0.5);
        Bucket bucket = new Bucket(clock, capacity, refillPerSecond, policy.durationMs() + 1_000);
        ClientEvents metrics = new ClientEvents(clock);
        List<LeaseBook> books = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            books.add(new LeaseBook(bucket, clock, policy, metrics, 100));
        }
        long[] granted = {0};
        long[] fromLeases = {0};
        long released = 0;

        // When the schedule runs
        for (Action a : schedule) {
            if (a instanceof Acquire acq) {
                long n = Math.min(acq.tokens(), capacity);
                books.get(acq.client() % clients).acquire(KEY, n).whenComplete((d, e) -> {
                    if (d != null && d.granted()) {
                        granted[0] += n;
                        fromLeases[0] += d.source() == DecisionSource.LEASE ? 1 : 0;
                    }
                });
            } else if (a instanceof Advance adv) {
                clock.advance(adv.ms());
            } else if (a instanceof Deliver del && !bucket.pending.isEmpty()) {
                (del.newest() ? bucket.pending.pollLast() : bucket.pending.pollFirst()).run();
            } else if (a instanceof Expire exp) {
                released += books.get(exp.client() % clients).expireDue();
            }

            // Then at every step the grants are within the bound (in thousandths of a token, exactly)
            long elapsed = clock.millis() - start;
            assertThat(granted[0] * 1000)
                    .as("granted %d after %d ms", granted[0], elapsed)
                    .isLessThanOrEqualTo(capacity * 1000L + refillPerSecond * elapsed);
            // And every token the bucket gave is granted, held, or given back
            long held = books.stream().mapToLong(LeaseBook::tokensHeld).sum();
            assertThat(bucket.given).isEqualTo(granted[0] + held + released);
            assertThat(bucket.credited).isLessThanOrEqualTo(Tokens.toNano(released));
        }
        // (a release arriving after its lease expired loses its tokens: counted, not an error)
        Statistics.label("releases refused as expired").collect(bucket.refused > 0);
        // (the schedules do exercise leases: most runs grant from them, and many give tokens back)
        Statistics.label("grants from leases").collect(fromLeases[0] > 0);
        Statistics.label("tokens given back").collect(released > 0);
        Statistics.label("grants from leases").coverage(c -> c.check(true).percentage(p -> p > 50));
        Statistics.label("tokens given back").coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    @Provide
    Arbitrary<List<Action>> schedules() {
        Arbitrary<Action> acquire = Combinators.combine(
                        Arbitraries.integers().between(0, 2),
                        Arbitraries.integers().between(1, 4))
                .as(Acquire::new);
        Arbitrary<Action> advance = Arbitraries.longs().between(0, 1_000).map(Advance::new);
        Arbitrary<Action> deliver = Arbitraries.of(true, false).map(Deliver::new);
        Arbitrary<Action> expire = Arbitraries.integers().between(0, 2).map(Expire::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, acquire),
                        net.jqwik.api.Tuple.of(3, advance),
                        net.jqwik.api.Tuple.of(6, deliver),
                        net.jqwik.api.Tuple.of(3, expire))
                .list()
                .ofMinSize(20)
                .ofMaxSize(300);
    }
}
