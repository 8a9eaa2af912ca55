package dev.tokenplane.bms.audit;

/** Where the router sends one record per admin write ({@link AuditLog#record}). */
@FunctionalInterface
public interface AuditSink {
    /** Keeps one record; never blocks. See {@link AuditRecord} for the fields. */
    void record(
            String credential,
            String method,
            String path,
            String route,
            String object,
            int status,
            Long versionBefore,
            Long versionAfter);
}
