package dev.tokenplane.bms.buckets;

import dev.tokenplane.bms.cluster.Completions;
import dev.tokenplane.bms.rules.StoreKey;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Reads of existing buckets for the operators' API: the buckets of one key (one per rule and client scope) and a page
 * of the listing. The keys come from the {@link BucketDirectory}; their states from one batched read of the store
 * ({@link BucketStore#getAll}), never a call per key.
 *
 * <p>Thread-safe and non-blocking; the stages complete on a Hazelcast or worker thread (callers hop to their own).
 */
public final class BucketQueries {

    /** A bucket that exists: its store key, the fields of that key, and its state. */
    public record Found(String storeKey, StoreKey scope, BucketState state) {}

    /**
     * A page of the listing.
     *
     * @param buckets the buckets of the page that still exist, in key order
     * @param lastKey the store key the page ended at, when more keys follow; else null
     */
    public record Page(List<Found> buckets, String lastKey) {}

    private final BucketStore store;
    private final BucketDirectory directory;

    public BucketQueries(BucketStore store, BucketDirectory directory) {
        this.store = store;
        this.directory = directory;
    }

    /**
     * The buckets of {@code key} that exist: one per rule (and client) that served it, then the one from before buckets
     * were scoped, if any. At most {@code maxScopes} scoped ones.
     */
    public CompletionStage<List<Found>> bucketsOf(String key, int maxScopes) {
        return Completions.on(directory.keys(StoreKey.scopesPrefix(key), null, maxScopes))
                .thenCompose(scoped -> {
                    List<String> storeKeys = new ArrayList<>(scoped);
                    storeKeys.add(key);
                    return read(storeKeys);
                });
    }

    /** Up to {@code limit} buckets whose keys start with {@code prefix}, after the store key {@code after} (or null). */
    public CompletionStage<Page> page(String prefix, String after, int limit) {
        return Completions.on(directory.keys(prefix, after, limit + 1)).thenCompose(keys -> {
            List<String> pageKeys = keys.size() > limit ? keys.subList(0, limit) : keys;
            String lastKey = keys.size() > limit ? pageKeys.get(pageKeys.size() - 1) : null;
            return read(pageKeys).thenApply(found -> new Page(found, lastKey));
        });
    }

    /** The buckets of {@code storeKeys} that exist, in that order, from one batched read. */
    private CompletionStage<List<Found>> read(List<String> storeKeys) {
        return Completions.on(store.getAll(storeKeys)).thenApply(states -> found(storeKeys, states));
    }

    private static List<Found> found(List<String> storeKeys, Map<String, BucketState> states) {
        List<Found> found = new ArrayList<>(states.size());
        for (String k : storeKeys) {
            BucketState state = states.get(k);
            if (state != null) {
                found.add(new Found(k, StoreKey.decode(k), state));
            }
        }
        return found;
    }
}
