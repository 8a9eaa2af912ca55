package dev.tokenplane.bms.buckets;

import com.hazelcast.map.IMap;
import com.hazelcast.query.PagingPredicate;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Lists bucket keys over the whole cluster with one paging query: every member filters its own keys (prefix, after the
 * cursor), sorts them and sends at most one page, and the caller merges the pages. The values are not read. The query
 * blocks, so it runs on {@code blocking}.
 */
public final class HazelcastBucketDirectory implements BucketDirectory {
    private final IMap<String, ?> map;
    private final Executor blocking;

    public HazelcastBucketDirectory(IMap<String, ?> map, Executor blocking) {
        this.map = map;
        this.blocking = blocking;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletionStage<List<String>> keys(String prefix, String after, int limit) {
        return CompletableFuture.supplyAsync(() -> {
            PagingPredicate paging = Predicates.pagingPredicate(new KeyRange(prefix, after), new ByKey(), limit);
            List<String> keys = new ArrayList<>(((IMap) map).keySet(paging));
            keys.sort(Comparator.naturalOrder());
            return keys.size() > limit ? keys.subList(0, limit) : keys;
        }, blocking);
    }

    /** Keys that start with {@code prefix} and sort after {@code after} (null: from the start). */
    record KeyRange(String prefix, String after) implements Predicate<String, Object> {
        @Override
        public boolean apply(Map.Entry<String, Object> entry) {
            String key = entry.getKey();
            return key.startsWith(prefix) && (after == null || key.compareTo(after) > 0);
        }
    }

    /** Orders entries by key. */
    static final class ByKey implements Comparator<Map.Entry<String, Object>>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(Map.Entry<String, Object> a, Map.Entry<String, Object> b) {
            return a.getKey().compareTo(b.getKey());
        }
    }
}
