package dev.tokenplane.transfer.pool;

import static dev.tokenplane.transfer.exec.StoreFixture.SPEC;
import static dev.tokenplane.transfer.exec.StoreFixture.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.TransferSettings;
import dev.tokenplane.transfer.exec.TransferResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Fair shares in contention, over repeated one-second windows, on a local store: three borrowers whose traffic
 * empties them every window, and two lenders whose refill (300 tokens a second each, above a 100-token reserve) is all
 * the pool has to spare. The borrowers together want far more than that.
 */
class FairnessTest {

    private static final int WINDOWS = 30;
    private static final List<String> BORROWERS = List.of("b1", "b2", "b4");
    /** 1000 tokens, 300 a second. */
    private static final BucketSpec LENDER = new BucketSpec(1_000, Tokens.ratePerMilli(300), SPEC.algorithm(), 0, 0);

    @AutoClose
    private final PoolHarness pool = new PoolHarness();

    private void members(double w1, double w2, double w4) {
        for (String lender : List.of("l1", "l2")) {
            pool.member(lender, LENDER, 100, new TransferSettings("pool", "eu", false, true, 1, 0.1));
        }
        double[] weights = {w1, w2, w4};
        for (int i = 0; i < BORROWERS.size(); i++) {
            pool.member(BORROWERS.get(i), SPEC, 0, new TransferSettings("pool", "eu", true, false, weights[i], 0));
        }
    }

    /** Tokens each borrower received, when the sizing tick does all the lending. */
    private Map<String, Long> receivedOnTicks() {
        Map<String, Long> received = new HashMap<>();
        for (int w = 0; w < WINDOWS; w++) {
            pool.clock.advance(1_000);
            BORROWERS.forEach(pool::consumeAll);
            Map<String, Long> demand = new HashMap<>();
            BORROWERS.forEach(b -> demand.put(b, 1_000 * T));
            for (TransferResult r : pool.tick(demand).results()) {
                received.merge(r.request().borrower(), r.creditedNanos(), Long::sum);
            }
        }
        return received;
    }

    /** Tokens each borrower received, when it borrows one request at a time, the three interleaved at random. */
    private Map<String, Long> receivedOnDecisions() {
        Random random = new Random(42);
        Map<String, Long> received = new HashMap<>();
        for (int w = 0; w < WINDOWS; w++) {
            pool.clock.advance(1_000);
            pool.tick(Map.of());
            List<String> requests = new ArrayList<>();
            for (String b : BORROWERS) {
                requests.addAll(Collections.nCopies(200, b));
            }
            Collections.shuffle(requests, random);
            for (String b : requests) {
                pool.consumeAll(b);
                received.merge(b, pool.borrow(b, T).creditedNanos(), Long::sum);
            }
        }
        return received;
    }

    private static double jain(Map<String, Long> received) {
        double sum = 0;
        double squares = 0;
        for (String b : BORROWERS) {
            double x = received.getOrDefault(b, 0L);
            sum += x;
            squares += x * x;
        }
        return sum * sum / (BORROWERS.size() * squares);
    }

    private static void assertSharesWithinTenPercentOfOneTwoFour(Map<String, Long> received) {
        double total = BORROWERS.stream().mapToLong(received::get).sum();
        double[] expected = {1 / 7.0, 2 / 7.0, 4 / 7.0};
        for (int i = 0; i < BORROWERS.size(); i++) {
            double share = received.get(BORROWERS.get(i)) / total;
            assertThat(Math.abs(share - expected[i]) / expected[i])
                    .as("relative error of %s's share %s", BORROWERS.get(i), share)
                    .isLessThanOrEqualTo(0.10);
        }
    }

    @Test
    void shouldGiveEqualWeightsEqualSharesOnTheTick() {
        members(1, 1, 1);

        Map<String, Long> received = receivedOnTicks();

        // Contention is real: the pool's refills (about 600 a window) are all that was handed out
        assertThat(received.values().stream().mapToLong(Long::longValue).sum())
                .isBetween(WINDOWS * 590 * T, WINDOWS * 610 * T);
        assertThat(jain(received)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void shouldDivideByWeightOneTwoFourOnTheTick() {
        members(1, 2, 4);

        assertSharesWithinTenPercentOfOneTwoFour(receivedOnTicks());
    }

    @Test
    void shouldGiveEqualWeightsEqualSharesOneRequestAtATime() {
        members(1, 1, 1);

        Map<String, Long> received = receivedOnDecisions();

        assertThat(received.values().stream().mapToLong(Long::longValue).sum())
                .isBetween(WINDOWS * 590 * T, WINDOWS * 610 * T);
        assertThat(jain(received)).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void shouldDivideByWeightOneTwoFourOneRequestAtATime() {
        members(1, 2, 4);

        assertSharesWithinTenPercentOfOneTwoFour(receivedOnDecisions());
    }
}
