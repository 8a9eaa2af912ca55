package dev.tokenplane.transfer;

import java.util.Optional;

/**
 * Where the transfer protocol learns a bucket's settings at the moment it decides: the BMS implements it from the
 * bucket's rule, its override and {@link PoolSettings}, with {@link TransferSettings#resolve}. Because it is asked on
 * every decision, an operator's change (say {@code canLend=false}) applies to the next transfer.
 *
 * <p>Implementations are thread-safe and fast (no remote call): they run on the decision path.
 */
@FunctionalInterface
public interface TransferSettingsLookup {

    /** The settings for {@code key}, or empty when the bucket is in no pool (its rule has no transfer settings). */
    Optional<TransferSettings> settingsFor(String key);
}
