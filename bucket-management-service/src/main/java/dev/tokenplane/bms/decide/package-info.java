/**
 * Decisions: binding a key to its rule and override, asking the store, mapping the store's outcome to the HTTP contract. No Vert.x.
 */
package dev.tokenplane.bms.decide;
