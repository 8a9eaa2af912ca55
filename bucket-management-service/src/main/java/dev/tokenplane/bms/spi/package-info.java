/**
 * Seams for the features that plug into a member: the transfer protocol ({@link dev.tokenplane.bms.spi.Borrower}), the sizing loop ({@link dev.tokenplane.bms.spi.SizingTask}), extra routes and store decorators ({@link dev.tokenplane.bms.spi.BmsExtensions}).
 */
package dev.tokenplane.bms.spi;
