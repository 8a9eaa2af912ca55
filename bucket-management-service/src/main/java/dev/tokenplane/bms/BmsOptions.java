package dev.tokenplane.bms;

import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.bms.schedule.Scheduler;
import dev.tokenplane.bms.spi.Borrower;
import dev.tokenplane.bms.transfer.TransferFeature;
import dev.tokenplane.store.BucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Which features a member runs beyond the contract's core, and the hooks an embedding test uses. Plain data: the
 * member's object graph is built in one place ({@link BmsWiring}) from these and the settings.
 *
 * @param sizing    whether the adaptive sizing loop runs
 * @param transfer  the transfer protocol's options, or null for no transfer protocol
 * @param borrower  replaces the transfer protocol's borrower on the decision path (tests), or null
 * @param store     wraps the member's store, for example to count calls or inject faults in a test
 * @param routes    extra route groups (tests)
 * @param scheduler wraps or replaces the scheduler of the periodic jobs (given the Vert.x one); a test passes a
 *                  scheduler it ticks by hand
 */
public record BmsOptions(
        boolean sizing,
        TransferFeature.Options transfer,
        Borrower borrower,
        UnaryOperator<BucketStore> store,
        List<ApiRoutes> routes,
        UnaryOperator<Scheduler> scheduler) {

    /** The contract's core alone: no sizing loop, no transfer protocol. */
    public static final BmsOptions CORE =
            new BmsOptions(false, null, null, UnaryOperator.identity(), List.of(), UnaryOperator.identity());

    public BmsOptions {
        routes = List.copyOf(routes);
    }

    /** What {@code BmsMain} runs: the core, the adaptive sizing loop and the transfer protocol. */
    public static BmsOptions full() {
        return CORE.withSizing(true).withTransfer(TransferFeature.Options.defaults());
    }

    public BmsOptions withSizing(boolean value) {
        return new BmsOptions(value, transfer, borrower, store, routes, scheduler);
    }

    public BmsOptions withTransfer(TransferFeature.Options value) {
        return new BmsOptions(sizing, value, borrower, store, routes, scheduler);
    }

    public BmsOptions withBorrower(Borrower value) {
        return new BmsOptions(sizing, transfer, value, store, routes, scheduler);
    }

    public BmsOptions withStore(UnaryOperator<BucketStore> value) {
        return new BmsOptions(sizing, transfer, borrower, value, routes, scheduler);
    }

    public BmsOptions withRoute(ApiRoutes value) {
        List<ApiRoutes> all = new ArrayList<>(routes);
        all.add(value);
        return new BmsOptions(sizing, transfer, borrower, store, all, scheduler);
    }

    public BmsOptions withScheduler(UnaryOperator<Scheduler> value) {
        return new BmsOptions(sizing, transfer, borrower, store, routes, value);
    }
}
