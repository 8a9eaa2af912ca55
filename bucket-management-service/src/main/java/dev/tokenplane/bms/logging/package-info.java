/** Log output of a BMS process: level, text or JSON lines with ISO-8601 times. */
package dev.tokenplane.bms.logging;
