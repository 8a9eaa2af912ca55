package dev.tokenplane.bms.leases;

import java.util.Objects;

/**
 * A client's token lease, as the BMS records it: tokens an acquire took from one bucket for one caller, which that
 * caller may give back once, until the lease expires. The bucket key and the lease id are the lease's key in the
 * ledger, not part of this value.
 *
 * <h2>Why a lease cannot let a bucket admit more than it refilled</h2>
 * The tokens of a lease left the bucket when it was granted. A {@link #release release} gives back at most the tokens
 * still outstanding on the lease and ends it, in one atomic step on the lease's entry; the credit to the bucket comes
 * after and never fills it above its capacity. So over any run, the tokens credited back to a bucket are at most the
 * tokens leases took from it, and what the bucket handed out net (granted minus credited back) stays within
 * {@code capacity + refill * elapsed}. A release that names a lease the caller does not hold changes nothing.
 *
 * <p>Pure: the time comes in as an argument.
 *
 * @param clientId  the client id of the API key that took the lease, or null when API keys are not configured
 * @param tokens    whole tokens outstanding: taken from the bucket and not given back, at least 1
 * @param expiresAt epoch ms from which the lease can no longer give tokens back
 */
public record Lease(String clientId, long tokens, long expiresAt) {

    public Lease {
        if (tokens < 1) {
            throw new IllegalArgumentException("a lease holds at least 1 token, was " + tokens);
        }
    }

    /** What a release does with a lease. */
    public sealed interface Release permits Returned, Refused {}

    /** The lease ends; {@code tokens} (at most what it held) go back to the bucket, the rest counts as used. */
    public record Returned(long tokens) implements Release {}

    /** No lease the caller may release: unknown, expired, already released, or taken by another client. */
    public record Refused() implements Release {}

    private static final Refused REFUSED = new Refused();

    /**
     * A release of {@code requested} tokens by {@code clientId} at {@code now} from {@code lease} (null when the ledger
     * holds none under the id and bucket key given).
     *
     * @param requested the unused tokens the caller gives back, at least 1
     */
    public static Release release(Lease lease, String clientId, long requested, long now) {
        if (requested < 1) {
            throw new IllegalArgumentException("requested must be >= 1, was " + requested);
        }
        if (lease == null || !Objects.equals(lease.clientId(), clientId) || now >= lease.expiresAt()) {
            return REFUSED;
        }
        return new Returned(Math.min(requested, lease.tokens()));
    }
}
