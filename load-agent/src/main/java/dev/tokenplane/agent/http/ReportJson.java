package dev.tokenplane.agent.http;

import dev.tokenplane.agent.core.AgentReport;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** The JSON body of {@code POST /v1/agents/{serverId}/reports}, the fields of docs/http-api.md; a field
 * whose value is unknown is left out. */
public final class ReportJson {

    private ReportJson() {}

    /** Encodes a report. */
    public static JsonObject toJson(AgentReport report) {
        JsonObject json = new JsonObject()
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
        putIfKnown(json, "netUtilisation", report.load().netUtilisation());
        putIfKnown(json, "diskBusy", report.load().diskBusy());
        return json;
    }

    /** An unknown figure is left out of the report (JSON has no NaN, and a 0 would claim an idle device). */
    private static void putIfKnown(JsonObject json, String field, double value) {
        if (Double.isFinite(value)) {
            json.put(field, value);
        }
    }

    /** Encodes a report as a request body. */
    public static Buffer encode(AgentReport report) {
        return toJson(report).toBuffer();
    }
}
