package dev.tokenplane.bms.wire;

import dev.tokenplane.bms.budget.ClientRefusalLimit;
import dev.tokenplane.bms.decide.DecisionService;
import dev.tokenplane.bms.http.Auth;
import dev.tokenplane.bms.metrics.BmsMetrics;
import io.vertx.core.net.NetSocket;
import java.time.InstantSource;

/**
 * What every connection of the decision protocol shares: the decisions, the API keys, the metrics and the refusal
 * limit of the HTTP decisions (the same objects), and the protocol's limits. {@link #connect} is the
 * {@code NetServer}'s connect handler.
 *
 * @param maxFrameBytes the longest frame accepted (after its length prefix); longer ones close the connection
 * @param maxInFlight   the most decisions one connection may have pending before its socket stops being read
 * @param idleTimeoutMs how long a connection may go without a frame or an answer before it ends with a goodbye
 *                      ({@link IdleClose}); 0 for never
 */
public record DecisionWire(
        DecisionService decisions,
        Auth auth,
        BmsMetrics metrics,
        ClientRefusalLimit refusals,
        InstantSource clock,
        int maxFrameBytes,
        int maxInFlight,
        long idleTimeoutMs) {
    /** A frame holds a key of at most 256 characters (1,024 bytes of UTF-8) or an API key: 4 KiB is ample. */
    public static final int MAX_FRAME_BYTES = 4_096;

    /** Enough to keep a member busy from one connection, small enough to bound its memory. */
    public static final int MAX_IN_FLIGHT = 1_024;

    public DecisionWire {
        if (maxFrameBytes < 64 || maxInFlight < 2 || idleTimeoutMs < 0) {
            throw new IllegalArgumentException("maxFrameBytes must be >= 64, maxInFlight >= 2 and idleTimeoutMs >= 0");
        }
    }

    /** Serves one accepted connection (on its event loop). */
    public void connect(NetSocket socket) {
        new DecisionConnection(socket, this);
    }

    long now() {
        return clock.millis();
    }
}
