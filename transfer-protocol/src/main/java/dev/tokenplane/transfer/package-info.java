/**
 * The transfer protocol's pure core: who lends how much to whom in a pool.
 *
 * <ul>
 *   <li>{@link dev.tokenplane.transfer.TransferPlanner} turns borrowers ({@link dev.tokenplane.transfer.Borrower}) and
 *       lender snapshots ({@link dev.tokenplane.transfer.Lender}) into a {@link dev.tokenplane.transfer.TransferPlan}
 *       of {@link dev.tokenplane.transfer.Move}s: weighted max-min fair shares of the pool's spare
 *       ({@link dev.tokenplane.transfer.FairShare}), lenders of the borrower's region first, then those with most
 *       spare relative to capacity, never below a reserve.</li>
 *   <li>{@link dev.tokenplane.transfer.TransferSettings} resolves {@code canBorrow}, {@code canLend}, {@code weight}
 *       and {@code reserveFraction} per bucket: override, then rule, then the pool's run-time
 *       {@link dev.tokenplane.transfer.PoolSettings}, then defaults.</li>
 * </ul>
 * Amounts are nanotokens ({@link dev.tokenplane.store.Tokens}), exact in {@code long}. Nothing here does I/O, keeps
 * state or reads a clock; subpackages execute plans ({@code exec}), guard them ({@code breaker}) and run the protocol
 * for the BMS ({@code pool}).
 */
package dev.tokenplane.transfer;
