package dev.tokenplane.bms.rules;

import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.Tokens;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of the compiled rules of one member, answering "which rule serves this key" without any remote
 * call. A rule change builds a new index and swaps it in; an index never changes.
 *
 * <p>The most specific match wins ({@link RulePattern.Specificity}); among equally specific rules, the smallest rule id
 * wins, so every member picks the same rule. A rule with a {@link Rule#tier() tier} serves only callers of that tier,
 * and beats an equally specific rule without one. Literal patterns are a hash lookup; the globs are scanned, and the answers
 * are cached (bounded) for the life of the index.
 *
 * <p>Thread-safe.
 */
public final class RuleIndex implements RuleLookup {
    private static final int CACHE_LIMIT = 100_000;
    /**
     * Up to this many globs are scanned on every match by a caller without a client id (a {@code {client}} glob is then
     * rejected at once, the others mostly at their first character): cheaper than building the cache's key and looking
     * it up among many keys, which cost a decision on 10,000 keys more than the rest of its event-loop work
     * (BENCHMARKS.md, "binary port, fifth wave").
     */
    private static final int SCAN_WITHOUT_CACHE = 16;

    private static final Object NO_MATCH = new Object();
    /** Slots of {@link #recent}: a power of two. */
    private static final int RECENT = 256;

    /**
     * A compiled rule with the spec of its buckets.
     *
     * @param generation the generation of the rule's own spec (no override)
     */
    public record Entry(Rule rule, RulePattern pattern, long generation, BucketSpec spec) {

        /**
         * Where this rule's bucket for {@code key} lives, for a caller with {@code clientId}: scoped by the rule, and
         * by the client when the rule uses {@code {client}} ({@link StoreKey}).
         */
        public String storeKey(String key, String clientId) {
            return StoreKey.scoped(key, rule.id(), pattern.usesClient() ? clientId : null)
                    .encode();
        }

        /** The spec for a bucket of this rule under {@code override} (null: the rule's own). */
        public BucketSpec specWith(BucketOverride override) {
            if (override == null) {
                return spec;
            }
            return new BucketSpec(
                    override.capacity(),
                    Tokens.ratePerMilli(override.refillPerSecond()),
                    rule.algorithm(),
                    Generations.of(rule.id(), rule.version(), override.version()),
                    spec.idleTtlMillis());
        }
    }

    /** A rule and the store key of its bucket for one caller's key ({@link #served}). */
    public record Served(Entry entry, String storeKey) {}

    /** One answer of {@link #served}, with the question it answers. */
    private record Recent(String key, String clientId, String tier, Served served) {}

    public static final RuleIndex EMPTY = of(List.of());

    private final Map<String, Entry> byId;
    private final Map<Long, Entry> byGeneration;
    private final Map<String, Entry> exact;
    private final Entry[] others;
    private final boolean fewGlobs;
    private final ConcurrentHashMap<String, Object> cache = new ConcurrentHashMap<>();
    /**
     * The last answer of {@link #served} in each slot, by the key's hash: a key asked for again (a hot key) is neither
     * matched nor has its store key built again, and gets the same store key string (whose hash is then known to the
     * maps it is looked up in). A slot is overwritten by the next key that lands in it. Racy by design: each slot holds
     * an immutable record, and the index never changes, so any answer found is right.
     */
    private final Recent[] recent = new Recent[RECENT];

    private RuleIndex(Map<String, Entry> byId, Map<String, Entry> exact, Entry[] others) {
        this.byId = byId;
        this.byGeneration = new HashMap<>(byId.size() * 2);
        byId.values().forEach(e -> byGeneration.put(e.generation(), e));
        this.exact = exact;
        this.others = others;
        this.fewGlobs = others.length <= SCAN_WITHOUT_CACHE;
    }

    /** Compiles {@code rules}. */
    public static RuleIndex of(Collection<Rule> rules) {
        List<Rule> sorted = new ArrayList<>(rules);
        sorted.sort(Comparator.comparing(Rule::id));
        Map<String, Entry> byId = new HashMap<>();
        Map<String, Entry> exact = new HashMap<>();
        List<Entry> others = new ArrayList<>();
        for (Rule r : sorted) {
            RulePattern p = RulePattern.compile(r.match());
            long generation = Generations.of(r.id(), r.version(), 0);
            BucketSpec spec = new BucketSpec(
                    r.capacity(),
                    Tokens.ratePerMilli(r.refillPerSecond()),
                    r.algorithm(),
                    generation,
                    Math.multiplyExact(r.idleTtlSeconds(), 1000L));
            Entry e = new Entry(r, p, generation, spec);
            byId.put(r.id(), e);
            if (p.isLiteral() && !p.usesClient() && r.tier() == null) {
                exact.putIfAbsent(r.match(), e); // sorted by id: the smallest id wins a tie
            } else {
                others.add(e);
            }
        }
        return new RuleIndex(Map.copyOf(byId), Map.copyOf(exact), others.toArray(Entry[]::new));
    }

    /** The rule serving {@code key} for a caller with {@code clientId} (null for none) and no tier, or null. */
    public Entry match(String key, String clientId) {
        return match(key, clientId, null);
    }

    /**
     * The rule serving {@code key} for a caller with {@code clientId} and {@code tier} (each null for none), or null
     * when none matches.
     */
    @Override
    public Entry match(String key, String clientId, String tier) {
        Entry literal = exact.get(key);
        if (literal != null && clientId == null && tier == null) {
            return literal;
        }
        if (fewGlobs && clientId == null) {
            return scan(key, null, tier, literal);
        }
        String cacheKey = (tier == null ? "" : tier) + '\u0002' + (clientId == null ? "" : clientId) + '\u0001' + key;
        Object cached = cache.get(cacheKey);
        if (cached != null) {
            return cached == NO_MATCH ? null : (Entry) cached;
        }
        Entry best = scan(key, clientId, tier, literal);
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(cacheKey, best == null ? NO_MATCH : best);
        return best;
    }

    /** {@link #match} and the store key, remembered for the key ({@link #recent}). */
    @Override
    public Served served(String key, String clientId, String tier) {
        int h = key.hashCode();
        int slot = (h ^ (h >>> 16)) & (RECENT - 1);
        Recent r = recent[slot];
        if (r != null
                && r.key().equals(key)
                && Objects.equals(r.clientId(), clientId)
                && Objects.equals(r.tier(), tier)) {
            return r.served();
        }
        Entry entry = match(key, clientId, tier);
        if (entry == null) {
            return null;
        }
        Served served = new Served(entry, entry.storeKey(key, clientId));
        recent[slot] = new Recent(key, clientId, tier, served);
        return served;
    }

    /** The most specific of {@code literal} (the exact rule of {@code key}, or null) and the globs matching it. */
    private Entry scan(String key, String clientId, String tier, Entry literal) {
        Entry best = literal;
        RulePattern.Specificity bestSpec =
                literal == null ? null : literal.pattern().match(key, clientId);
        for (Entry e : others) {
            if (!e.rule().servesTier(tier)) {
                continue;
            }
            RulePattern.Specificity s = e.pattern().match(key, clientId);
            if (s == null) {
                continue;
            }
            int c = bestSpec == null ? 1 : s.compareTo(bestSpec);
            if (c == 0) {
                // a tier's rule beats the same pattern for everyone; then the smallest id
                c = Boolean.compare(e.rule().tier() != null, best.rule().tier() != null);
            }
            if (c > 0 || (c == 0 && e.rule().id().compareTo(best.rule().id()) < 0)) {
                best = e;
                bestSpec = s;
            }
        }
        return best;
    }

    /**
     * The rule of an existing bucket at {@code storeKey}: the one its store key names (null when that rule was
     * deleted); for a bucket from before scoping, the one whose generation the bucket carries, else the one its key
     * matches without a client now, else null.
     *
     * @param bucketGeneration the generation stored in the bucket
     * @param override         the bucket's override, or null
     */
    @Override
    public Entry ruleOfBucket(String storeKey, long bucketGeneration, BucketOverride override) {
        StoreKey scoped = StoreKey.decode(storeKey);
        if (scoped.ruleId() != null) {
            return byId.get(scoped.ruleId());
        }
        for (Entry e : byId.values()) {
            if (e.generation() == bucketGeneration
                    || (override != null && e.specWith(override).generation() == bucketGeneration)) {
                return e;
            }
        }
        return match(scoped.key(), null);
    }

    /**
     * The rule of the bucket at {@code storeKey} without reading it: the one its store key names, or for a bucket from
     * before scoping the one its key matches without a client; null when none.
     */
    @Override
    public Entry ruleOfStoreKey(String storeKey) {
        StoreKey scoped;
        try {
            scoped = StoreKey.decode(storeKey);
        } catch (IllegalArgumentException e) {
            return null; // no decision writes such a key; a loop over every bucket must not stop at one
        }
        return scoped.ruleId() != null ? byId.get(scoped.ruleId()) : match(scoped.key(), null);
    }

    /** The rule whose own spec (no override) has {@code generation}, or null. */
    public Entry byGeneration(long generation) {
        return byGeneration.get(generation);
    }

    /** The rule with {@code id}, or null. */
    public Entry byId(String id) {
        return byId.get(id);
    }

    /** Every rule. */
    public Collection<Entry> entries() {
        return byId.values();
    }
}
