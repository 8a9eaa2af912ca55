package dev.tokenplane.bms.spi;

import dev.tokenplane.bms.http.ApiRoutes;

import java.util.List;
import java.util.function.Function;

/**
 * The features a BMS member is started with beyond the contract's core: the transfer protocol's {@link Borrower}, the
 * {@link SizingTask} and extra route groups (for example a lease/release endpoint). Each is made from the member's
 * {@link BmsServices} once they exist. {@link #NONE} is the core alone.
 */
public record BmsExtensions(Function<BmsServices, Borrower> borrower, Function<BmsServices, SizingTask> sizing,
                            Function<BmsServices, List<ApiRoutes>> routes) {

    public static final BmsExtensions NONE = new BmsExtensions(s -> Borrower.NONE, s -> SizingTask.NONE,
            s -> List.of());

    public BmsExtensions withBorrower(Function<BmsServices, Borrower> newBorrower) {
        return new BmsExtensions(newBorrower, sizing, routes);
    }

    public BmsExtensions withSizing(Function<BmsServices, SizingTask> newSizing) {
        return new BmsExtensions(borrower, newSizing, routes);
    }

    public BmsExtensions withRoutes(Function<BmsServices, List<ApiRoutes>> newRoutes) {
        return new BmsExtensions(borrower, sizing, newRoutes);
    }
}
