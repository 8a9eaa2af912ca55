/**
 * The BMS's own Micrometer meters, under the names the dashboard depends on.
 */
package dev.tokenplane.bms.metrics;
