package dev.tokenplane.bms.spi;

import dev.tokenplane.bms.http.ApiRoutes;
import dev.tokenplane.store.BucketStore;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The features a BMS member is started with beyond the contract's core: the transfer protocol's {@link Borrower}, the
 * {@link SizingTask}, extra route groups (for example a lease/release endpoint) and a decorator of the store. Each is made from the member's
 * {@link BmsServices} once they exist. {@link #NONE} is the core alone.
 */
public record BmsExtensions(Function<BmsServices, Borrower> borrower, Function<BmsServices, SizingTask> sizing,
                            Function<BmsServices, List<ApiRoutes>> routes, UnaryOperator<BucketStore> store) {

    public static final BmsExtensions NONE = new BmsExtensions(s -> Borrower.NONE, s -> SizingTask.NONE,
            s -> List.of(), UnaryOperator.identity());

    public BmsExtensions withBorrower(Function<BmsServices, Borrower> newBorrower) {
        return new BmsExtensions(newBorrower, sizing, routes, store);
    }

    public BmsExtensions withSizing(Function<BmsServices, SizingTask> newSizing) {
        return new BmsExtensions(borrower, newSizing, routes, store);
    }

    public BmsExtensions withRoutes(Function<BmsServices, List<ApiRoutes>> newRoutes) {
        return new BmsExtensions(borrower, sizing, newRoutes, store);
    }

    /** Wraps the member's store, for example to count calls or inject faults in a test. */
    public BmsExtensions withStore(UnaryOperator<BucketStore> decorator) {
        return new BmsExtensions(borrower, sizing, routes, decorator);
    }
}
