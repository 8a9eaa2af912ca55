/**
 * The Hazelcast {@link dev.tokenplane.store.BucketStore}: buckets in an {@code IMap}, changed by entry processors on
 * the owning member. {@link dev.tokenplane.store.hazelcast.HazelcastBucketStore} is the entry point; everything else here
 * is its member-side machinery (processors, serializers, the packed entry format).
 */
package dev.tokenplane.store.hazelcast;
