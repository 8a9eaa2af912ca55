package dev.tokenplane.store;

/**
 * The live state of one bucket: immutable, small, and free of any copy of its rule.
 *
 * <p>{@link BucketMath} computes every next state from this one and the current time; stores swap states atomically
 * (compare-and-set locally, an entry processor on the owning Hazelcast member).
 *
 * <p>A value class with the accessors, constructor, {@code equals}, {@code hashCode} and {@code toString} of a record
 * of the components its constructor lists. It is not a record so that the fields an acquire changes (tokens, time of
 * last refill, demand counters) sit in a small object of their own, and the rest, which changes only on a resize, a
 * reset, a drain or a transfer, in a second object that successive states share: an acquire allocates one small
 * object instead of a copy of all eleven fields.
 */
public final class BucketState {

    private final long tokens;
    private final long lastRefillAt;
    private final long attempted;
    private final long granted;
    private final Settings settings;

    /** The components that stay the same from one acquire to the next, shared by successive states. */
    private record Settings(
            long capacity,
            long ratePerMilli,
            Algorithm algorithm,
            long generation,
            long idleTtlMillis,
            long windowStart,
            TransferLog transfers) {}

    /**
     * A state of these components.
     *
     * @param tokens        nanotokens held; negative while reservations are outstanding (the queue of waiting requests)
     * @param lastRefillAt  epoch millis up to which refill has been applied; never moves backwards, and doubles as
     *                      the time of last use for idle expiry
     * @param capacity      effective capacity in tokens (the sizing loop or an override may have changed it)
     * @param ratePerMilli  effective refill in nanotokens per millisecond
     * @param algorithm     token bucket or leaky bucket
     * @param generation    the generation of the spec the bucket was last reset from
     * @param idleTtlMillis idle time after which the bucket may be evicted; 0 means never
     * @param attempted     tokens requested since {@code windowStart}
     * @param granted       tokens granted since {@code windowStart}
     * @param windowStart   epoch millis the demand counters were last drained at
     * @param transfers     the last transfer steps applied, for idempotent retries; null for a bucket that never
     *                      took part
     */
    public BucketState(
            long tokens,
            long lastRefillAt,
            long capacity,
            long ratePerMilli,
            Algorithm algorithm,
            long generation,
            long idleTtlMillis,
            long attempted,
            long granted,
            long windowStart,
            TransferLog transfers) {
        this(
                tokens,
                lastRefillAt,
                attempted,
                granted,
                new Settings(capacity, ratePerMilli, algorithm, generation, idleTtlMillis, windowStart, transfers));
    }

    private BucketState(long tokens, long lastRefillAt, long attempted, long granted, Settings settings) {
        this.tokens = tokens;
        this.lastRefillAt = lastRefillAt;
        this.attempted = attempted;
        this.granted = granted;
        this.settings = settings;
    }

    public long tokens() {
        return tokens;
    }

    public long lastRefillAt() {
        return lastRefillAt;
    }

    public long capacity() {
        return settings.capacity;
    }

    public long ratePerMilli() {
        return settings.ratePerMilli;
    }

    public Algorithm algorithm() {
        return settings.algorithm;
    }

    public long generation() {
        return settings.generation;
    }

    public long idleTtlMillis() {
        return settings.idleTtlMillis;
    }

    public long attempted() {
        return attempted;
    }

    public long granted() {
        return granted;
    }

    public long windowStart() {
        return settings.windowStart;
    }

    public TransferLog transfers() {
        return settings.transfers;
    }

    /** The most nanotokens this bucket holds: its capacity, or one token for a leaky bucket. */
    public long burstNanos() {
        return algorithm() == Algorithm.LEAKY_BUCKET ? Tokens.SCALE : capacity() * Tokens.SCALE;
    }

    /** The deepest the bucket may go into reservations, in nanotokens: one capacity's worth. */
    public long queueBoundNanos() {
        return capacity() * Tokens.SCALE;
    }

    /** Whole tokens available now (without refill), reservations counting as none. */
    public long wholeTokens() {
        return Tokens.wholeTokens(tokens);
    }

    /** The refill in tokens per second. */
    public double refillPerSecond() {
        return Tokens.perSecond(ratePerMilli());
    }

    BucketState withTokens(long newTokens, long at) {
        return new BucketState(newTokens, at, attempted, granted, settings);
    }

    /** One allocation for the hot path: tokens taken and both counters moved. */
    BucketState afterGrant(long newTokens, long newAttempted, long newGranted) {
        return new BucketState(newTokens, lastRefillAt, newAttempted, newGranted, settings);
    }

    /** These settings with the four fields an acquire changes replaced: how a mutable holder hands its state out. */
    BucketState withHotFields(long newTokens, long newLastRefillAt, long newAttempted, long newGranted) {
        return new BucketState(newTokens, newLastRefillAt, newAttempted, newGranted, settings);
    }

    BucketState withCounters(long newAttempted, long newGranted, long newWindowStart) {
        Settings c = settings;
        return new BucketState(
                tokens,
                lastRefillAt,
                newAttempted,
                newGranted,
                newWindowStart == c.windowStart
                        ? c
                        : new Settings(
                                c.capacity,
                                c.ratePerMilli,
                                c.algorithm,
                                c.generation,
                                c.idleTtlMillis,
                                newWindowStart,
                                c.transfers));
    }

    BucketState withTransfer(long transferId, long amount) {
        Settings c = settings;
        return new BucketState(
                tokens,
                lastRefillAt,
                attempted,
                granted,
                new Settings(
                        c.capacity,
                        c.ratePerMilli,
                        c.algorithm,
                        c.generation,
                        c.idleTtlMillis,
                        c.windowStart,
                        TransferLog.append(c.transfers, transferId, amount)));
    }

    BucketState withTransfers(TransferLog log) {
        Settings c = settings;
        return new BucketState(
                tokens,
                lastRefillAt,
                attempted,
                granted,
                new Settings(
                        c.capacity, c.ratePerMilli, c.algorithm, c.generation, c.idleTtlMillis, c.windowStart, log));
    }

    BucketState withParameters(
            long newCapacity, long newRatePerMilli, Algorithm newAlgorithm, long newGeneration, long newIdleTtlMillis) {
        BucketState changed = new BucketState(
                tokens,
                lastRefillAt,
                attempted,
                granted,
                new Settings(
                        newCapacity,
                        newRatePerMilli,
                        newAlgorithm,
                        newGeneration,
                        newIdleTtlMillis,
                        settings.windowStart,
                        settings.transfers));
        return changed.withTokens(Math.min(tokens, changed.burstNanos()), lastRefillAt);
    }

    /** Equal when every component is, as for a record. */
    @Override
    public boolean equals(Object o) {
        return o == this
                || o instanceof BucketState other
                        && tokens == other.tokens
                        && lastRefillAt == other.lastRefillAt
                        && attempted == other.attempted
                        && granted == other.granted
                        && settings.equals(other.settings);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(tokens);
        h = 31 * h + Long.hashCode(lastRefillAt);
        h = 31 * h + Long.hashCode(attempted);
        h = 31 * h + Long.hashCode(granted);
        return 31 * h + settings.hashCode();
    }

    @Override
    public String toString() {
        return "BucketState[tokens=" + tokens + ", lastRefillAt=" + lastRefillAt + ", capacity=" + capacity()
                + ", ratePerMilli=" + ratePerMilli() + ", algorithm=" + algorithm() + ", generation=" + generation()
                + ", idleTtlMillis=" + idleTtlMillis() + ", attempted=" + attempted + ", granted=" + granted
                + ", windowStart=" + windowStart() + ", transfers=" + transfers() + "]";
    }
}
