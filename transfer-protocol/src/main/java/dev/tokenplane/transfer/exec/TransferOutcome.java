package dev.tokenplane.transfer.exec;

/** How a transfer went, as the {@code outcome} label of {@code bms_transfers_total} shows it. */
public enum TransferOutcome {
    /** Everything asked for reached the borrower. */
    OK("ok"),
    /** Some of it did; the lender had less above its reserve, or the borrower had less room. */
    PARTIAL("partial"),
    /**
     * Nothing moved and nothing failed: the lender had nothing to spare, the borrower no room, or one of them had a
     * transfer in doubt.
     */
    REJECTED("rejected"),
    /** A store call failed or the time budget ran out; what was debited is refunded in the background. */
    FAILED("failed"),
    /** The pool's breaker is open: nothing was attempted. */
    BREAKER_OPEN("breaker_open");

    private final String label;

    TransferOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
