/**
 * The transfer protocol in a BMS member ({@link dev.tokenplane.bms.transfer.TransferFeature}): buckets of a pool
 * borrow from each other on the decision path and on each tick, behind one circuit breaker per pool, with the pool
 * endpoints and meters. The protocol itself is the {@code transfer-protocol} module; this package binds it to the
 * member's store, configuration, cluster and HTTP API.
 */
package dev.tokenplane.bms.transfer;
