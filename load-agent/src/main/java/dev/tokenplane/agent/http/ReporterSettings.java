package dev.tokenplane.agent.http;

import dev.tokenplane.agent.core.BackoffPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@link Reporter} needs: where to send, as whom, and how to retry.
 *
 * @param bmsUrls              BMS base URLs in order of preference (no trailing slash)
 * @param serverId             the server id in {@code /v1/agents/{serverId}/reports}
 * @param bearerToken          sent as {@code Authorization: Bearer ...} when present
 * @param bufferCapacity       unsent reports kept, ≥ 1
 * @param backoff              backoff between failed rounds
 * @param requestTimeoutMillis timeout of one send (connect and response)
 * @param trustCaFile          PEM certificate authorities trusted for https:// URLs; empty for the JVM's
 */
public record ReporterSettings(
        List<String> bmsUrls,
        String serverId,
        Optional<String> bearerToken,
        int bufferCapacity,
        BackoffPolicy backoff,
        long requestTimeoutMillis,
        Optional<Path> trustCaFile) {

    /** Settings trusting the JVM's certificate authorities. */
    public ReporterSettings(
            List<String> bmsUrls,
            String serverId,
            Optional<String> bearerToken,
            int bufferCapacity,
            BackoffPolicy backoff,
            long requestTimeoutMillis) {
        this(bmsUrls, serverId, bearerToken, bufferCapacity, backoff, requestTimeoutMillis, Optional.empty());
    }

    public ReporterSettings {
        bmsUrls = List.copyOf(bmsUrls);
        Objects.requireNonNull(serverId, "serverId");
        Objects.requireNonNull(bearerToken, "bearerToken");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(trustCaFile, "trustCaFile");
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "ReporterSettings[bmsUrls=" + bmsUrls + ", serverId=" + serverId + ", bearerToken="
                + (bearerToken.isPresent() ? "(set)" : "(none)") + ", bufferCapacity=" + bufferCapacity
                + ", backoff=" + backoff + ", requestTimeoutMillis=" + requestTimeoutMillis
                + ", trustCaFile=" + trustCaFile + "]";
    }
}
