/**
 * The adaptive sizing loop of a member ({@link dev.tokenplane.bms.sizing.SizingLoop}): the BMS's adapter around the
 * pure {@link dev.tokenplane.sizing.SizingPolicy}. It feeds the policy the demand drained from the buckets this member
 * owns, the agents' load reports and the per-bucket state it keeps beside the buckets, and applies and records the
 * resizes.
 */
package dev.tokenplane.bms.sizing;
