package dev.tokenplane.bms.buckets;

import com.hazelcast.config.Config;
import com.hazelcast.map.IMap;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import com.hazelcast.query.PagingPredicate;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import java.io.IOException;
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
 * blocks, so it runs on {@code blocking}. The predicate and the order travel as {@code IdentifiedDataSerializable}.
 */
public final class HazelcastBucketDirectory implements BucketDirectory {
    /** "TD", tokenplane directory; unique among the factories of a member. */
    static final int FACTORY_ID = 0x5444;

    static final int KEY_RANGE = 1;
    static final int BY_KEY = 2;

    private final IMap<String, ?> map;
    private final Executor blocking;

    public HazelcastBucketDirectory(IMap<String, ?> map, Executor blocking) {
        this.map = map;
        this.blocking = blocking;
    }

    /** Registers the factory of the query's predicate and order on a member's configuration, before it starts. */
    public static void configure(Config config) {
        config.getSerializationConfig().addDataSerializableFactory(FACTORY_ID, classId -> switch (classId) {
            case KEY_RANGE -> new KeyRange();
            case BY_KEY -> new ByKey();
            default -> null;
        });
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public CompletionStage<List<String>> keys(String prefix, String after, int limit) {
        return CompletableFuture.supplyAsync(
                () -> {
                    PagingPredicate paging =
                            Predicates.pagingPredicate(new KeyRange(prefix, after), new ByKey(), limit);
                    List<String> keys = new ArrayList<>(((IMap) map).keySet(paging));
                    keys.sort(Comparator.naturalOrder());
                    return keys.size() > limit ? keys.subList(0, limit) : keys;
                },
                blocking);
    }

    /** Keys that start with {@code prefix} and sort after {@code after} (null: from the start). */
    static final class KeyRange implements Predicate<String, Object>, IdentifiedDataSerializable {
        private String prefix;
        private String after;

        KeyRange() {}

        KeyRange(String prefix, String after) {
            this.prefix = prefix;
            this.after = after;
        }

        @Override
        public boolean apply(Map.Entry<String, Object> entry) {
            String key = entry.getKey();
            return key.startsWith(prefix) && (after == null || key.compareTo(after) > 0);
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return KEY_RANGE;
        }

        @Override
        public void writeData(ObjectDataOutput out) throws IOException {
            out.writeString(prefix);
            out.writeString(after);
        }

        @Override
        public void readData(ObjectDataInput in) throws IOException {
            prefix = in.readString();
            after = in.readString();
        }
    }

    /** Orders entries by key. */
    static final class ByKey implements Comparator<Map.Entry<String, Object>>, IdentifiedDataSerializable {
        @Override
        public int compare(Map.Entry<String, Object> a, Map.Entry<String, Object> b) {
            return a.getKey().compareTo(b.getKey());
        }

        @Override
        public int getFactoryId() {
            return FACTORY_ID;
        }

        @Override
        public int getClassId() {
            return BY_KEY;
        }

        @Override
        public void writeData(ObjectDataOutput out) {}

        @Override
        public void readData(ObjectDataInput in) {}
    }
}
