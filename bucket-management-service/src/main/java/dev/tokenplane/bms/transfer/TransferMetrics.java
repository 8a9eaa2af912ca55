package dev.tokenplane.bms.transfer;

import dev.tokenplane.bms.metrics.BmsMetrics;
import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.breaker.BreakerState;
import dev.tokenplane.transfer.breaker.PoolBreakers;
import dev.tokenplane.transfer.exec.Settlement;
import dev.tokenplane.transfer.exec.TransferRequest;
import dev.tokenplane.transfer.exec.TransferResult;
import dev.tokenplane.transfer.pool.PoolTransfers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

/**
 * The transfer protocol's meters: {@code bms_transfers_total{pool,outcome}} for every transfer as its caller learned
 * it, {@code bms_transfer_tokens_total{pool}} for the tokens that reached borrowers once settled, and
 * {@code bms_breaker_state{pool,state}} following each pool breaker's transitions.
 *
 * <p>Thread-safe.
 */
final class TransferMetrics implements PoolTransfers.Observer {

    private final BmsMetrics metrics;
    private final PoolBreakers breakers;

    TransferMetrics(BmsMetrics metrics, PoolBreakers breakers) {
        this.metrics = metrics;
        this.breakers = breakers;
        breakers.registry().getEventPublisher().onEntryAdded(e -> watch(e.getAddedEntry()));
        // a pool whose thresholds changed gets a new breaker (PoolBreakers): follow that one from then on
        breakers.registry().getEventPublisher().onEntryReplaced(e -> watch(e.getNewEntry()));
        breakers.registry().getAllCircuitBreakers().forEach(this::watch);
    }

    /** Registers the pool's meters and sets its breaker gauge (a pool seen before its first transfer). */
    void pool(String pool) {
        metrics.registerPool(pool);
        metrics.breakerState(pool, breakers.state(pool).label());
    }

    @Override
    public void answered(String pool, TransferResult result) {
        metrics.transfer(pool, result.outcome().label());
    }

    @Override
    public void settled(String pool, TransferRequest request, Settlement settlement) {
        if (settlement.creditedNanos() > 0) {
            metrics.transferredTokens(pool, settlement.creditedNanos() / (double) Tokens.SCALE);
        }
    }

    private void watch(CircuitBreaker breaker) {
        String pool = breaker.getName();
        metrics.registerPool(pool);
        breaker.getEventPublisher()
                .onStateTransition(e -> metrics.breakerState(
                        pool,
                        BreakerState.of(e.getStateTransition().getToState()).label()));
        metrics.breakerState(pool, BreakerState.of(breaker.getState()).label());
    }
}
