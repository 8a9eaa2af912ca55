/**
 * The member's periodic jobs behind one seam ({@link dev.tokenplane.bms.schedule.Scheduler}), so that tests tick them
 * by hand.
 */
package dev.tokenplane.bms.schedule;
