package dev.tokenplane.transfer.exec;

import dev.tokenplane.store.Algorithm;
import dev.tokenplane.store.BucketSpec;
import dev.tokenplane.store.BucketState;
import dev.tokenplane.store.BucketStore;
import dev.tokenplane.store.Tokens;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Buckets for transfer tests: created at a chosen level, read back exactly. */
public final class StoreFixture {

    /** One token in nanotokens. */
    public static final long T = Tokens.SCALE;
    /** Refill in nanotokens per millisecond: the slowest there is, so refill is easy to account for exactly. */
    public static final long RATE = 1;
    /** 1000 tokens, refilling one nanotoken per millisecond. */
    public static final BucketSpec SPEC = new BucketSpec(1_000, RATE, Algorithm.TOKEN_BUCKET, 0, 0);

    private StoreFixture() {}

    /** Creates {@code key} from {@code spec} holding {@code tokens} whole tokens (fewer than its capacity). */
    public static void bucket(BucketStore store, String key, BucketSpec spec, long tokens) {
        if (tokens >= spec.capacity()) {
            throw new IllegalArgumentException("keep buckets below capacity so refill stays exact");
        }
        await(store.acquire(key, spec, spec.capacity() - tokens, 0));
    }

    public static void bucket(BucketStore store, String key, long tokens) {
        bucket(store, key, SPEC, tokens);
    }

    /** Nanotokens in {@code key} now. */
    public static long tokens(BucketStore store, String key) {
        return await(store.get(key)).map(BucketState::tokens).orElseThrow();
    }

    /** Nanotokens in all {@code keys} now. */
    public static long total(BucketStore store, Collection<String> keys) {
        return keys.stream().mapToLong(k -> tokens(store, k)).sum();
    }

    public static <V> V await(CompletionStage<V> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
