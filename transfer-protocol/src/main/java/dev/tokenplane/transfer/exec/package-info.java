/**
 * Carrying out transfers on a {@link dev.tokenplane.store.BucketStore}: debit, credit, refund, each idempotent under
 * a transfer id, fenced when in doubt, within a time budget. See {@link dev.tokenplane.transfer.exec.TransferExecutor}.
 */
package dev.tokenplane.transfer.exec;
