package dev.tokenplane.bms.buckets;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Lists the keys of the buckets in the whole store, for {@code GET /v1/buckets}: the keys that start with
 * {@code prefix} and sort after {@code after}, in key order, at most {@code limit}. The store's own interface lists only
 * the keys a member owns; this reaches every member.
 */
@FunctionalInterface
public interface BucketDirectory {
    CompletionStage<List<String>> keys(String prefix, String after, int limit);
}
