package dev.tokenplane.bms.hotkeys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.AcquireResult;
import dev.tokenplane.store.BucketMath;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.store.Transition;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Any number of members leasing one key from its owner, each with its own {@link HotKeyLease}, against the bucket
 * maths of the owner: the grants of all members together never exceed {@code capacity + refill * elapsed}, and a member
 * denies only after the owner denied.
 */
class HotKeyLeaseProperties {

    private static final long T0 = 1_700_000_000_000L;

    record Request(int member, long advanceMs, long tokens) {}

    @Provide
    Arbitrary<List<Request>> schedules() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.longs().between(0, 30),
                        Arbitraries.longs().between(1, 3))
                .as(Request::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(400);
    }

    @Property(tries = 300)
    void grantsOfAllMembersStayWithinCapacityPlusRefill(
            @ForAll @IntRange(min = 1, max = 8) int members,
            @ForAll @LongRange(min = 3, max = 200) long capacity,
            @ForAll @LongRange(min = 1, max = 5_000) long refillPerSecond,
            @ForAll @LongRange(min = 1, max = 50) long promotePerSecond,
            @ForAll("schedules") List<Request> schedule) {
        HotKeyPolicy policy = new HotKeyPolicy(promotePerSecond, promotePerSecond / 2d, 20, 40, 0.5);
        BucketSpec spec = BucketSpec.of(capacity, refillPerSecond);
        List<HotKeyLease> leases = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            leases.add(new HotKeyLease(policy));
        }
        BucketState owner = null;
        long now = T0;
        long granted = 0;
        for (Request r : schedule) {
            now += r.advanceMs();
            HotKeyLease lease = leases.get(r.member() % members);
            long unused = lease.expire(now);
            if (unused > 0 && owner != null) {
                owner = BucketMath.credit(owner, unused * Tokens.SCALE, now).next();
            }
            if (lease.tryLocal(r.tokens(), now)) {
                granted += r.tokens();
                long refresh = lease.refreshWanted(capacity, now); // a top-up, as the member asks in the background
                if (refresh > 0) {
                    Transition<AcquireResult> t = BucketMath.acquire(owner, spec, refresh, 0, now);
                    owner = t.next();
                    if (t.result().granted()) {
                        lease.leased(refresh, now);
                    }
                }
            } else {
                long extra = lease.leaseWanted(capacity, now);
                Transition<AcquireResult> t = BucketMath.acquire(owner, spec, r.tokens() + extra, 0, now);
                if (!t.result().granted() && extra > 0) { // never deny for the lease's sake: ask for the request alone
                    owner = t.next();
                    extra = 0;
                    t = BucketMath.acquire(owner, spec, r.tokens(), 0, now);
                }
                owner = t.next();
                if (t.result().granted()) {
                    granted += r.tokens();
                    lease.leased(extra, now);
                } else {
                    assertThat(t.result()).as("a denial is the owner's").isInstanceOf(AcquireResult.Denied.class);
                }
            }
            long bound = capacity * Tokens.SCALE + spec.ratePerMilli() * (now - T0);
            assertThat(granted * Tokens.SCALE)
                    .as("granted by %d members after %d ms", members, now - T0)
                    .isLessThanOrEqualTo(bound);
        }
    }
}
