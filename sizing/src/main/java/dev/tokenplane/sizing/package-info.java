/**
 * Adaptive bucket sizing: a pure policy that the BMS sizing loop calls once per tick per bucket.
 *
 * <p>Entry point: {@link dev.tokenplane.sizing.SizingPolicy#decide(long, SizingInput)}. Everything it needs comes in
 * as arguments (the time, the bucket's size and limits, the rule's adaptive settings, the demand drained since the last
 * tick, the latest load sample, and the small per-bucket {@link dev.tokenplane.sizing.SizingState} the caller keeps),
 * and everything it decides goes out in a {@link dev.tokenplane.sizing.SizingDecision}. No clock, no I/O, no Vert.x,
 * no Hazelcast.
 */
package dev.tokenplane.sizing;
