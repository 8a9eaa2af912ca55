/**
 * Seams in the decision path and the periodic work: the transfer protocol ({@link dev.tokenplane.bms.spi.Borrower})
 * and the sizing loop ({@link dev.tokenplane.bms.spi.SizingTask}).
 */
package dev.tokenplane.bms.spi;
