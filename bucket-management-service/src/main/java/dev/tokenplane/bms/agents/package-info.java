/**
 * Agent reports: validation of a report and the shared, non-persistent registry of the latest reports per server.
 */
package dev.tokenplane.bms.agents;
