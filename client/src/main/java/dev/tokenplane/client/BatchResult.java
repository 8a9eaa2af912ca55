package dev.tokenplane.client;

/** One result of {@link RateLimiterClient#acquireBatch}: a decision, or the error of an item that failed alone. */
public sealed interface BatchResult permits BatchResult.Decided, BatchResult.Failed {

    /** The key of the item. */
    String key();

    /** A decision for the item. */
    record Decided(Decision decision) implements BatchResult {
        @Override
        public String key() {
            return decision.key();
        }
    }

    /** The item failed alone (no rule for its key, or a value out of range); the others were decided. */
    record Failed(String key, RateLimitException error) implements BatchResult {}
}
