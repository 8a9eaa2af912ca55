package dev.tokenplane.client;

/** Who made a decision. */
public enum DecisionSource {
    /** The BMS, over HTTP. */
    BMS,
    /** This client, from tokens it leased from the BMS, or from a denial the BMS gave for this key moments ago. */
    LEASE,
    /** This client's local bucket, while the BMS cannot be reached ({@link FallbackPolicy#LOCAL}). */
    LOCAL,
    /** Admitted without a bucket while the BMS cannot be reached. */
    FAIL_OPEN,
    /** Denied without a bucket while the BMS cannot be reached. */
    FAIL_CLOSED;

    /** Whether the BMS could not be reached for this decision. */
    public boolean fallback() {
        return this == LOCAL || this == FAIL_OPEN || this == FAIL_CLOSED;
    }
}
