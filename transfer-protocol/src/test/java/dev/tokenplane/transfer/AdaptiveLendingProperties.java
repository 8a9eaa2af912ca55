package dev.tokenplane.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenplane.store.Tokens;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Adaptive lending over arbitrary pools: lenders whose reserves follow their forecasts ({@link LendingReserve}), planned
 * by the {@link TransferPlanner} and applied to a ledger of every bucket's tokens.
 */
class AdaptiveLendingProperties {

    /** A lender as generated: its forecast in tokens per second, and the pool's horizon. */
    record Forecast(String key, long tokensNanos, long capacity, double reserveFraction, double perSecond) {}

    record Pool(List<Borrower> borrowers, List<Forecast> forecasts, long horizonMillis) {

        List<Lender> lenders() {
            LendingReserve reserve = new LendingReserve(Duration.ofMillis(horizonMillis));
            List<Lender> lenders = new ArrayList<>();
            for (Forecast f : forecasts) {
                lenders.add(new Lender(
                        f.key(),
                        f.tokensNanos(),
                        f.capacity(),
                        f.reserveFraction(),
                        "",
                        true,
                        reserve.forecastNanos(f.perSecond(), f.capacity())));
            }
            return lenders;
        }
    }

    private final TransferPlanner planner = new TransferPlanner();

    @Property(tries = 500)
    void shouldNeverCreateTokens(@ForAll("pools") Pool pool) {
        List<Lender> lenders = pool.lenders();
        TransferPlan plan = planner.plan(pool.borrowers(), lenders);

        Map<String, Long> ledger = new HashMap<>();
        lenders.forEach(l -> ledger.put(l.key(), l.tokensNanos()));
        pool.borrowers().forEach(b -> ledger.put(b.key(), 0L));
        long before = ledger.values().stream().mapToLong(Long::longValue).sum();
        for (Move m : plan.moves()) {
            ledger.merge(m.lender(), -m.nanotokens(), Long::sum);
            ledger.merge(m.borrower(), m.nanotokens(), Long::sum);
        }

        assertThat(ledger.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(before);
        assertThat(plan.moves().stream().mapToLong(Move::nanotokens).sum()).isEqualTo(plan.totalNanos());
    }

    @Property(tries = 500)
    void shouldNeverLeaveALenderBelowItsForecastReserve(@ForAll("pools") Pool pool) {
        LendingReserve reserve = new LendingReserve(Duration.ofMillis(pool.horizonMillis()));
        List<Lender> lenders = pool.lenders();
        TransferPlan plan = planner.plan(pool.borrowers(), lenders);

        for (Forecast f : pool.forecasts()) {
            long debited = plan.debitedFrom(f.key());
            // The forecast over the horizon, computed here from the rate: tokens/s · ms / 1000, at most the capacity
            double forecastTokens = Math.min(f.capacity(), f.perSecond() * pool.horizonMillis() / 1_000.0);
            double left = (f.tokensNanos() - debited) / (double) Tokens.SCALE;
            if (debited > 0) {
                assertThat(left).as("left in %s", f.key()).isGreaterThanOrEqualTo(forecastTokens - 1e-9);
                assertThat(left).isGreaterThanOrEqualTo(f.capacity() * f.reserveFraction() - 1e-9);
            }
            if (forecastTokens * Tokens.SCALE >= f.tokensNanos()) {
                assertThat(debited)
                        .as("a lender that expects to use all it holds lends nothing")
                        .isZero();
            }
        }
        for (Move m : plan.moves()) {
            Lender l = lenders.stream()
                    .filter(x -> x.key().equals(m.lender()))
                    .findFirst()
                    .orElseThrow();
            assertThat(m.lenderFloorNanos())
                    .as("the store enforces the forecast reserve too")
                    .isEqualTo(LendingReserve.reserveNanos(
                            l.configuredReserveNanos(),
                            reserve.forecastNanos(forecastOf(pool, l.key()), l.capacity()),
                            l.capacity()));
        }
    }

    @Property(tries = 300)
    void shouldLendNoMoreFromALenderWhoseForecastRises(@ForAll("pools") Pool pool, @ForAll("rises") double rise) {
        if (pool.forecasts().isEmpty()) {
            return;
        }
        Forecast first = pool.forecasts().get(0);
        List<Forecast> risen = new ArrayList<>(pool.forecasts());
        risen.set(
                0,
                new Forecast(
                        first.key(),
                        first.tokensNanos(),
                        first.capacity(),
                        first.reserveFraction(),
                        first.perSecond() + rise));
        Pool after = new Pool(pool.borrowers(), risen, pool.horizonMillis());

        Lender before = pool.lenders().get(0);
        Lender now = after.lenders().get(0);

        assertThat(now.spareNanos()).isLessThanOrEqualTo(before.spareNanos());
        assertThat(planner.plan(after.borrowers(), after.lenders()).debitedFrom(first.key()))
                .isLessThanOrEqualTo(now.spareNanos());
    }

    private static double forecastOf(Pool pool, String key) {
        return pool.forecasts().stream()
                .filter(f -> f.key().equals(key))
                .findFirst()
                .orElseThrow()
                .perSecond();
    }

    @Provide
    Arbitrary<Double> rises() {
        return Arbitraries.doubles().between(0, 1e9);
    }

    @Provide
    Arbitrary<Pool> pools() {
        Arbitrary<Borrower> borrower = Arbitraries.longs()
                .between(0, 2 * Tokens.SCALE * 1_000_000)
                .map(demand -> new Borrower("?", demand, 1_000, "", true, 0.5));
        Arbitrary<Forecast> lender = Arbitraries.longs()
                .between(1, 1_000_000)
                .flatMap(capacity -> Combinators.combine(
                                Arbitraries.longs().between(-capacity * Tokens.SCALE, capacity * Tokens.SCALE),
                                Arbitraries.integers().between(0, (int) Lender.PPM),
                                Arbitraries.oneOf(
                                        Arbitraries.just(0.0),
                                        Arbitraries.doubles().between(0, 2.0 * capacity)))
                        .as((tokens, ppm, perSecond) ->
                                new Forecast("?", tokens, capacity, ppm / (double) Lender.PPM, perSecond)));
        return Combinators.combine(
                        borrower.list().ofMaxSize(6),
                        lender.list().ofMaxSize(6),
                        Arbitraries.longs().between(1, 60_000))
                .as((bs, ls, horizon) -> {
                    List<Borrower> borrowers = new ArrayList<>();
                    for (int i = 0; i < bs.size(); i++) {
                        borrowers.add(new Borrower("b" + i, bs.get(i).demandNanos(), 1_000, "", true, 0.5));
                    }
                    List<Forecast> forecasts = new ArrayList<>();
                    for (int j = 0; j < ls.size(); j++) {
                        Forecast f = ls.get(j);
                        forecasts.add(new Forecast(
                                "l" + j, f.tokensNanos(), f.capacity(), f.reserveFraction(), f.perSecond()));
                    }
                    return new Pool(borrowers, forecasts, horizon);
                });
    }
}
