/**
 * Hazelcast glue: the member configuration, map listeners, and moving future completions off Hazelcast's threads.
 */
package dev.tokenplane.bms.cluster;
