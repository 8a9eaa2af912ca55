package dev.tokenplane.agent.core;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Which BMS endpoint to send to next, and how long to wait first.
 *
 * <p>The schedule sticks to an endpoint while it works. When a send fails it moves to the next endpoint at once, so
 * a dead member costs one failed request, not a backoff. Only when every endpoint has failed in a row (a round) does
 * it wait, with {@link BackoffPolicy} and the round number as the attempt, so the waits grow with each failed round.
 * A success resets the rounds.
 *
 * <p>Not thread-safe: the reporter drives it from one Vert.x context.
 */
public final class FailoverSchedule {

    private final List<String> endpoints;
    private final BackoffPolicy backoff;
    private int current;
    private int failuresInRound;
    private int failedRounds;

    /**
     * @param endpoints the BMS base URLs, in order of preference (at least one)
     * @param backoff   the backoff between failed rounds
     */
    public FailoverSchedule(List<String> endpoints, BackoffPolicy backoff) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one endpoint is needed");
        }
        this.endpoints = List.copyOf(endpoints);
        this.backoff = backoff;
    }

    /** The endpoint to send the next request to. */
    public String currentEndpoint() {
        return endpoints.get(current);
    }

    /**
     * Records a failed send to the current endpoint and moves to the next one.
     *
     * @param random the source of jitter
     * @return ms to wait before the next send: 0 while the round still has untried endpoints, else the backoff delay
     */
    public long onFailure(RandomGenerator random) {
        current = (current + 1) % endpoints.size();
        failuresInRound++;
        if (failuresInRound < endpoints.size()) {
            return 0;
        }
        failuresInRound = 0;
        int attempt = failedRounds;
        failedRounds = Math.min(failedRounds + 1, Long.SIZE);
        return backoff.delayMillis(attempt, random);
    }

    /** Records a successful send: stay on this endpoint and forget past failures. */
    public void onSuccess() {
        failuresInRound = 0;
        failedRounds = 0;
    }

    /** Rounds in which every endpoint failed, since the last success. */
    public int failedRounds() {
        return failedRounds;
    }
}
