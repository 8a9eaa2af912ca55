package dev.tokenplane.bms.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Turns a Hazelcast stage into a plain {@link CompletableFuture}, completed on the thread that completes the stage.
 *
 * <p>Hazelcast's futures run every non-async continuation ({@code thenApply}, {@code whenComplete}, and so the
 * {@code whenComplete} inside Vert.x's {@code Future.fromCompletionStage}) on its default async executor, which with
 * a small common pool is a new thread per callback (BENCHMARKS.md, "Completions"; see RuntimeTuning). Every Hazelcast
 * stage the BMS uses goes through {@link #on} first, and what comes out is a plain {@link CompletableFuture}.
 */
public final class Completions {
    private Completions() {}

    /**
     * Continuations of Hazelcast stages run on the thread that completed the stage: they are short, and hop to Vert.x
     * after ({@code Replies.onContext}).
     */
    private static final Executor DIRECT = Runnable::run;

    /**
     * A plain future completed, on the thread that completes {@code stage}, with its outcome; a stage that already is a
     * plain {@link CompletableFuture} (as the bucket store returns) is returned as is.
     */
    public static <T> CompletableFuture<T> on(CompletionStage<T> stage) {
        if (stage.getClass() == CompletableFuture.class) {
            return (CompletableFuture<T>) stage;
        }
        CompletableFuture<T> out = new CompletableFuture<>();
        stage.whenCompleteAsync(
                (value, error) -> {
                    if (error != null) {
                        out.completeExceptionally(error);
                    } else {
                        out.complete(value);
                    }
                },
                DIRECT);
        return out;
    }
}
