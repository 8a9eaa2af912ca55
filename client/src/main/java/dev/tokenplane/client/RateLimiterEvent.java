package dev.tokenplane.client;

import java.time.Duration;
import java.time.Instant;

/**
 * What a {@link RateLimiterClient} did, for its {@link RateLimiterEventPublisher} (resilience4j's event style): every
 * decision granted or denied, the switches to and from the fallback, errors, retries and leases. Each event carries
 * its creation time.
 */
public sealed interface RateLimiterEvent {

    /** When the event happened, by the client's clock. */
    Instant createdAt();

    /** A request got its tokens (from the BMS, a lease, or the fallback: see {@link Decision#source()}). */
    record Granted(Instant createdAt, Decision decision) implements RateLimiterEvent {}

    /** A request was denied; {@code decision.retryAfter()} says when it could succeed. */
    record Denied(Instant createdAt, Decision decision) implements RateLimiterEvent {}

    /** No BMS answered within the timeout: the {@link FallbackPolicy} decides from now on. */
    record FallbackEntered(Instant createdAt, FallbackPolicy policy) implements RateLimiterEvent {}

    /** A BMS answered a probe again after {@code downFor} without one: decisions go back to it. */
    record FallbackExited(Instant createdAt, Duration downFor) implements RateLimiterEvent {}

    /**
     * A request failed: the BMS refused it as asked ({@link RateLimitException}), or it could not be sent. Not an
     * outage (that is {@link FallbackEntered}).
     */
    record Failed(Instant createdAt, String key, Throwable error) implements RateLimiterEvent {}

    /** An HTTP attempt to a BMS failed (transport error or 5xx) and is retried, on the next URL. */
    record Retried(Instant createdAt) implements RateLimiterEvent {}

    /** A lease took {@code tokens} more tokens of {@code key} from the BMS bucket, to answer locally. */
    record LeaseRenewed(Instant createdAt, String key, long tokens) implements RateLimiterEvent {}

    /**
     * A lease of {@code key} ended with {@code tokens} unused: given back to the BMS ({@code returned}), or dropped (no
     * lease recorded to give them back under, which loses them: the safe direction).
     */
    record LeaseEnded(Instant createdAt, String key, long tokens, boolean returned) implements RateLimiterEvent {}
}
