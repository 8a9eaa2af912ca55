/**
 * The protocol as the BMS calls it: {@link dev.tokenplane.transfer.pool.PoolTransfers#borrow} on the decision path,
 * {@link dev.tokenplane.transfer.pool.PoolTransfers#rebalance} on the sizing tick, and
 * {@link dev.tokenplane.transfer.pool.PoolTransfers#stats} for {@code GET /v1/pools/{pool}}.
 */
package dev.tokenplane.transfer.pool;
