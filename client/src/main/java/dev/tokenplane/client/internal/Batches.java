package dev.tokenplane.client.internal;

import dev.tokenplane.client.AcquireRequest;
import dev.tokenplane.client.AllResult;
import dev.tokenplane.client.BatchResult;
import dev.tokenplane.client.Decision;
import dev.tokenplane.client.InvalidRequestException;
import dev.tokenplane.client.RateLimitException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Many decisions in one HTTP call: batches cut to the BMS's limits, and atomic (all-or-nothing) batches, each decided
 * by the fallback while no BMS answers.
 */
final class Batches {
    static final int MAX_BATCH = 1000;
    /** Under the BMS's default body limit (64 KiB). */
    private static final long MAX_BATCH_BYTES = 60_000;

    private final BmsGateway bms;
    private final LocalFallback fallback;
    private final ClientEvents events;

    Batches(BmsGateway bms, LocalFallback fallback, ClientEvents events) {
        this.bms = bms;
        this.fallback = fallback;
        this.events = events;
    }

    CompletionStage<List<BatchResult>> acquireBatch(List<AcquireRequest> requests) {
        List<CompletableFuture<List<BatchResult>>> chunks = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < requests.size(); i++) {
            // the BMS takes up to 1000 items and 64 KiB of body per request: keep each call under both
            long itemBytes = Wire.itemBytes(requests.get(i));
            if (i > from && (i - from == MAX_BATCH || bytes + itemBytes > MAX_BATCH_BYTES)) {
                chunks.add(batch(List.copyOf(requests.subList(from, i))));
                from = i;
                bytes = 0;
            }
            bytes += itemBytes;
        }
        if (from < requests.size()) {
            chunks.add(batch(List.copyOf(requests.subList(from, requests.size()))));
        }
        return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new)).thenApply(v -> {
            List<BatchResult> all = new ArrayList<>(requests.size());
            chunks.forEach(c -> all.addAll(c.join()));
            for (BatchResult r : all) {
                if (r instanceof BatchResult.Decided d) {
                    events.decision(d.decision());
                }
            }
            return all;
        });
    }

    /** All or nothing, for the caller with {@code apiKey} (null: the client's own). */
    CompletionStage<AllResult> acquireAtomic(String apiKey, List<AcquireRequest> requests) {
        if (requests.isEmpty() || requests.size() > MAX_BATCH) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "validation", "an atomic batch needs 1.." + MAX_BATCH + " requests, each with a key"));
        }
        // the local fallback keeps each forwarded API key's buckets apart, as single decisions do
        List<AcquireRequest> localRequests = requests.stream()
                .map(r -> new AcquireRequest(
                        CallerKeys.localKey(r.key(), apiKey), r.tokens(), r.maxWaitMs(), r.priority()))
                .toList();
        Supplier<AllResult> local = () -> asAll(fallbackBatch(localRequests));
        if (bms.down()) {
            return BmsGateway.completed(local);
        }
        return bms.call(
                "/v1/acquire",
                Wire.atomicBody(requests),
                apiKey,
                answer -> {
                    AllResult all = Wire.allResult(answer);
                    for (int i = 0; i < all.decisions().size() && i < localRequests.size(); i++) {
                        fallback.learn(CallerKeys.rekeyed(
                                all.decisions().get(i), localRequests.get(i).key()));
                        events.decision(all.decisions().get(i));
                    }
                    return all;
                },
                local);
    }

    /** Granted when every item was; an item that failed alone fails the whole stage. */
    static AllResult asAll(List<BatchResult> results) {
        List<Decision> decisions = new ArrayList<>(results.size());
        long retryAfter = 0;
        for (BatchResult r : results) {
            if (r instanceof BatchResult.Failed f) {
                throw f.error();
            }
            Decision d = ((BatchResult.Decided) r).decision();
            decisions.add(d);
            retryAfter = Math.max(retryAfter, d.retryAfterMs());
        }
        boolean granted = decisions.stream().allMatch(Decision::granted);
        return new AllResult(granted, granted ? 0 : Math.max(1, retryAfter), decisions);
    }

    private CompletableFuture<List<BatchResult>> batch(List<AcquireRequest> chunk) {
        if (bms.down()) {
            return CompletableFuture.completedFuture(fallbackBatch(chunk));
        }
        return bms.call(
                "/v1/acquire",
                Wire.batchBody(chunk),
                null,
                answer -> {
                    List<BatchResult> results = Wire.batchResults(answer);
                    for (BatchResult r : results) {
                        if (r instanceof BatchResult.Decided d) {
                            fallback.learn(d.decision());
                        }
                    }
                    return results;
                },
                () -> fallbackBatch(chunk));
    }

    private List<BatchResult> fallbackBatch(List<AcquireRequest> chunk) {
        List<BatchResult> out = new ArrayList<>(chunk.size());
        long retryAfter = bms.retryAfterMs();
        for (AcquireRequest r : chunk) {
            try {
                out.add(new BatchResult.Decided(fallback.decide(r.key(), r.tokens(), r.maxWaitMs(), retryAfter)));
            } catch (RateLimitException e) {
                out.add(new BatchResult.Failed(r.key(), e));
            }
        }
        return out;
    }
}
