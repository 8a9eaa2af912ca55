/**
 * Client token leases: a lease is the record of tokens an acquire took for a client, which that client may give back
 * once, by id, until it expires. {@link dev.tokenplane.bms.leases.Lease} holds the rule (pure);
 * {@link dev.tokenplane.bms.leases.LeaseLedger} keeps leases in Hazelcast, in their bucket's partition.
 */
package dev.tokenplane.bms.leases;
