/**
 * The bucket budget: how many buckets a member may hold, so that a flood of distinct keys cannot exhaust its heap.
 * {@link dev.tokenplane.bms.budget.BucketBudget} is the pure core (counts, limits, the rate-limited warning; time from
 * an injected clock); the store asks it on the owning member before it creates a bucket.
 */
package dev.tokenplane.bms.budget;
