package dev.tokenplane.simulator;

import dev.tokenplane.store.Tokens;
import dev.tokenplane.transfer.Borrower;
import dev.tokenplane.transfer.Lender;
import dev.tokenplane.transfer.Move;
import dev.tokenplane.transfer.TransferPlan;
import dev.tokenplane.transfer.TransferPlanner;
import dev.tokenplane.transfer.TransferSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One window of a pool's token transfers, planned by the BMS's own {@link TransferPlanner} with the default transfer
 * settings (weight 1, reserve fraction {@value TransferSettings#DEFAULT_RESERVE_FRACTION}): a bucket short of its
 * arrivals borrows its shortfall (at most what it can hold) from buckets with tokens above their reserve, those of its
 * own region first and other regions only for what its region cannot lend. Tokens move; none are created.
 */
final class Borrowing {

    private static final TransferPlanner PLANNER = new TransferPlanner();

    private Borrowing() {}

    /**
     * A bucket at the start of a window.
     *
     * @param key       its key, unique in the pool
     * @param region    where it runs
     * @param capacity  its capacity, tokens
     * @param tokens    what it holds, tokens
     * @param arrivals  requests arriving in the window
     * @param borrowAllowance tokens it may still borrow in this window (0: it may not borrow)
     */
    record Account(String key, String region, long capacity, double tokens, double arrivals, double borrowAllowance) {

        /** The tokens it is short of for its arrivals, up to what it can hold; 0 when not short. */
        double shortfall() {
            return Math.max(0, Math.min(arrivals, capacity) - tokens);
        }
    }

    /** The tokens of each account after the window's transfers, in the order of {@code accounts}. */
    static double[] transfer(List<Account> accounts) {
        List<Borrower> borrowers = new ArrayList<>();
        List<Lender> lenders = new ArrayList<>();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < accounts.size(); i++) {
            Account a = accounts.get(i);
            index.put(a.key(), i);
            long held = nanos(a.tokens());
            long wanted = nanos(a.shortfall());
            long asked = nanos(Math.min(a.shortfall(), a.borrowAllowance()));
            if (asked > 0) {
                borrowers.add(new Borrower(
                        a.key(),
                        asked,
                        TransferSettings.WEIGHT_UNITS,
                        a.region(),
                        true,
                        Borrower.pressureOf(held, asked)));
            }
            // a bucket short of its own arrivals has nothing to spare, even when it may not borrow
            lenders.add(new Lender(
                    a.key(), held, a.capacity(), TransferSettings.DEFAULT_RESERVE_FRACTION, a.region(), wanted == 0));
        }
        double[] tokens = accounts.stream().mapToDouble(Account::tokens).toArray();
        TransferPlan plan = PLANNER.plan(borrowers, lenders);
        for (Move move : plan.moves()) {
            double moved = (double) move.nanotokens() / Tokens.SCALE;
            tokens[index.get(move.lender())] -= moved;
            tokens[index.get(move.borrower())] += moved;
        }
        return tokens;
    }

    private static long nanos(double tokens) {
        return Math.round(tokens * Tokens.SCALE);
    }
}
