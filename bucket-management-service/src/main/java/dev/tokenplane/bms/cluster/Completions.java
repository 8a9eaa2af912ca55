package dev.tokenplane.bms.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Moves the completion of a Hazelcast stage onto an executor of ours.
 *
 * <p>Hazelcast's futures run every non-async continuation ({@code thenApply}, {@code whenComplete}, and so the
 * {@code whenComplete} inside Vert.x's {@code Future.fromCompletionStage}) on its default async executor, which with
 * a small common pool is a new thread per callback (BENCHMARKS.md, "Completions"; see RuntimeTuning). Every Hazelcast
 * stage the BMS uses goes through {@link #on} first, and what comes out is a plain {@link CompletableFuture}.
 */
public final class Completions {
    private Completions() {
    }

    /**
     * A plain future completed, on {@code executor}, with the outcome of {@code stage}; a stage that already is a plain
     * {@link CompletableFuture} (as the bucket store returns, completed on the executor it was given) is returned as is.
     */
    public static <T> CompletableFuture<T> on(CompletionStage<T> stage, Executor executor) {
        if (stage.getClass() == CompletableFuture.class) {
            return (CompletableFuture<T>) stage;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenCompleteAsync((value, error) -> {
            if (error != null) {
                out.completeExceptionally(error);
            } else {
                out.complete(value);
            }
        }, executor);
        return out;
    }
}
