/**
 * The Hazelcast {@link dev.tokenplane.store.BucketStore}: buckets in an {@code IMap}, changed by entry processors on
 * the owning member. {@link dev.tokenplane.store.hazelcast.HazelcastBucketStore} is the entry point; everything else here
 * is its member-side machinery (processors, serializers, the packed entry format).
 * {@link dev.tokenplane.store.hazelcast.ShardedHazelcastBucketStore} is an experimental, opt-in layout with the
 * buckets of each partition grouped in a few entries ({@code ShardKey}, {@code BucketShard}, {@code ShardProcessor},
 * {@code ShardBackup}), measured in BENCHMARKS.md and not used by the BMS.
 */
package dev.tokenplane.store.hazelcast;
