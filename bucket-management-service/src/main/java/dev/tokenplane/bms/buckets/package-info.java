/**
 * Reads around the buckets: the bounded resize history and the cluster-wide listing of bucket keys.
 */
package dev.tokenplane.bms.buckets;
