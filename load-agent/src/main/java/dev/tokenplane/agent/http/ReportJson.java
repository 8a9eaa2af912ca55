package dev.tokenplane.agent.http;

import dev.tokenplane.agent.core.AgentReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The JSON body of {@code POST /v1/agents/{serverId}/reports}, exactly the fields of http-api.md. */
public final class ReportJson {

    private ReportJson() {
    }

    /** Encodes a report. */
    public static JsonObject toJson(AgentReport report) {
        return new JsonObject()
                .put("timestamp", report.timestamp())
                .put("region", report.region())
                .put("pool", report.pool())
                .put("cpu", report.load().cpu())
                .put("memory", report.load().memory())
                .put("loadPerCore", report.load().loadPerCore())
                .put("netRxBytesPerSec", report.load().netRxBytesPerSec())
                .put("netTxBytesPerSec", report.load().netTxBytesPerSec())
                .put("diskReadBytesPerSec", report.load().diskReadBytesPerSec())
                .put("diskWriteBytesPerSec", report.load().diskWriteBytesPerSec())
                .put("requestsPerSecond", report.latency().requestsPerSecond())
                .put("latencyP50Ms", report.latency().p50Ms())
                .put("latencyP99Ms", report.latency().p99Ms());
    }

    /** Encodes a report as a request body. */
    public static Buffer encode(AgentReport report) {
        return toJson(report).toBuffer();
    }
}
