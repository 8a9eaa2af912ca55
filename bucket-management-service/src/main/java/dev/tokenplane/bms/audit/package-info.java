/**
 * The audit log: one record per admin write ({@link dev.tokenplane.bms.audit.AuditRecord}), replicated through
 * Hazelcast and kept on every member's disk ({@link dev.tokenplane.bms.audit.AuditLog},
 * {@link dev.tokenplane.bms.audit.AuditJournal}), bounded by {@code BMS_AUDIT_RETENTION}.
 */
package dev.tokenplane.bms.audit;
