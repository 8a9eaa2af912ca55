package dev.tokenplane.client.internal;

import dev.tokenplane.client.Decision;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases over HTTP, for the {@link LeaseBook}: renewals are decisions (with the fallback), blocks are BMS leases,
 * releases name their lease.
 */
final class RemoteLeases implements LeaseBook.Backend {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteLeases.class);

    private final BmsGateway bms;
    private final long leaseTtlMs;

    /** @param leaseTtlMs how long the BMS keeps a lease: a little longer than the client keeps its tokens */
    RemoteLeases(BmsGateway bms, long leaseTtlMs) {
        this.bms = bms;
        this.leaseTtlMs = leaseTtlMs;
    }

    @Override
    public boolean available() {
        return !bms.down();
    }

    @Override
    public CompletionStage<Decision> acquire(String key, long tokens) {
        return bms.decide("acquire", Wire.acquireBody(tokens, 0), key, tokens, 0, null, (d, answer) -> d);
    }

    @Override
    public CompletionStage<LeaseBook.Grant> lease(String key, long tokens) {
        return bms.decide(
                "lease",
                Wire.leaseBody(tokens, leaseTtlMs),
                key,
                tokens,
                0,
                null,
                (d, answer) -> new LeaseBook.Grant(d, answer == null ? null : Wire.text(answer, "leaseId")));
    }

    @Override
    public CompletionStage<?> release(String key, String leaseId, long tokens) {
        if (bms.down()) {
            return CompletableFuture.completedFuture(null);
        }
        // Retried like a decision: the BMS ends a lease at its first release, so a resent one (after an answer that
        // got lost) is refused with a 404 and credits nothing. A 404 (a lease the BMS no longer holds: expired, or
        // lost with a restart) loses the tokens, the safe direction.
        return bms.post(Wire.bucketPath(key, "release"), Wire.releaseBody(leaseId, tokens))
                .handle((r, e) -> {
                    if (e != null) {
                        LOG.debug("release of {} tokens of {} failed: {}", tokens, key, e.toString());
                    } else if (r.status() != 200) {
                        LOG.debug("release of {} tokens of {} refused: {}", tokens, key, r.status());
                    }
                    return null;
                });
    }
}
