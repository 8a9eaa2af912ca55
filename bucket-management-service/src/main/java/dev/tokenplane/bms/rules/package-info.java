/**
 * Rules, overrides and rule matching: pure values and functions, no Vert.x and no Hazelcast (an ArchUnit test keeps it so). Validation of rule and override bodies happens here, once.
 */
package dev.tokenplane.bms.rules;
