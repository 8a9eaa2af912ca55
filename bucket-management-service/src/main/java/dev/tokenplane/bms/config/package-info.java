/**
 * The replicated configuration (rules and overrides): Hazelcast maps with versions and tombstones, every member's local copy, and its SQLite copy on disk.
 */
package dev.tokenplane.bms.config;
