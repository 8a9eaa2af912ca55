/**
 * The bucket management service (BMS): one member of a BMS cluster, its settings ({@link dev.tokenplane.bms.BmsSettings}) and its start ({@link dev.tokenplane.bms.BmsMain}, {@link dev.tokenplane.bms.BmsNode}).
 */
package dev.tokenplane.bms;
