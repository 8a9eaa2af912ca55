/**
 * Decision statistics for {@code GET /v1/stats}: each member counts its decisions per rule and second in a small ring
 * ({@link dev.tokenplane.bms.stats.DecisionCounters}) and its denied keys in fixed-size sketches
 * ({@link dev.tokenplane.bms.stats.DeniedKeys}); the answering member gathers every member's
 * {@link dev.tokenplane.bms.stats.MemberStats} and merges them ({@link dev.tokenplane.bms.stats.StatsReport}).
 */
package dev.tokenplane.bms.stats;
