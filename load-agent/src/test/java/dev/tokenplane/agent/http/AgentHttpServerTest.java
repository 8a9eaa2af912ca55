package dev.tokenplane.agent.http;

import dev.tokenplane.agent.AgentMetrics;
import dev.tokenplane.agent.core.LatencyRecorder;
import dev.tokenplane.runtime.http.MalformedBodyContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The agent's latency intake against a chunked body that breaks off ({@link MalformedBodyContract}). */
class AgentHttpServerTest extends MalformedBodyContract {
    private final LatencyRecorder latency = new LatencyRecorder(System.nanoTime());
    /** Requests recorded so far (a drain empties the recorder, so they add up here). */
    private long recorded;

    @Override
    protected Future<HttpServer> listen(Vertx vertx) {
        return new AgentHttpServer(vertx, new AgentMetrics(), latency, () -> new JsonObject().put("status", "UP"))
                .listen("127.0.0.1", 0);
    }

    @Override
    protected String target() {
        return "/v1/latency";
    }

    @Override
    protected JsonObject goodBody() {
        return new JsonObject().put("samplesMs", new JsonArray().add(1.5));
    }

    @Override
    protected int goodStatus() {
        return 202;
    }

    @Override
    protected int handled() {
        recorded += latency.drain(System.nanoTime()).requests();
        return Math.toIntExact(recorded);
    }
}
