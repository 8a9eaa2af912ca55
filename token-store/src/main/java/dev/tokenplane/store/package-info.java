/**
 * The pure core of tokenplane: exact token-bucket maths and the {@link dev.tokenplane.store.BucketStore} contract.
 *
 * <p>Nothing in this package depends on Vert.x, Hazelcast or any other library. Every operation takes the current
 * time as an argument (epoch milliseconds), so the maths is deterministic and is tested with a fake clock.
 *
 * <h2>Units</h2>
 * <ul>
 *   <li>Tokens are fixed point: one token is {@link dev.tokenplane.store.Tokens#SCALE} nanotokens, held in a
 *       {@code long}. Arithmetic on them is exact: there is no floating-point drift.</li>
 *   <li>Refill rates are nanotokens per millisecond, which is the same number as micro-tokens per second, so a rate has
 *       a resolution of 10<sup>-6</sup> tokens per second and refill over any whole number of milliseconds is exact.</li>
 *   <li>Time is epoch milliseconds from the clock of the member that owns the bucket. Elapsed time that is negative
 *       (a clock that went back, or a partition moved to a member whose clock is behind) counts as zero.</li>
 * </ul>
 */
package dev.tokenplane.store;
