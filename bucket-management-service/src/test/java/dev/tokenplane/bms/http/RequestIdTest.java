package dev.tokenplane.bms.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tokenplane.bms.support.Api;
import dev.tokenplane.bms.support.SharedBms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every request has an id: the caller's if sane, else a new one; in the response header, error bodies and logs. */
class RequestIdTest {

    @Test
    void shouldEchoASaneIncomingIdInTheHeaderAndTheErrorBody() throws Exception {
        Api api = SharedBms.get().api;

        Api.Response r = api.send("GET", "/v1/rules/no-such-rule-rid", null, true, "X-Request-Id", "trace-42.a:b");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("X-Request-Id")).isEqualTo("trace-42.a:b");
        assertThat(r.json().get("requestId").asText()).isEqualTo("trace-42.a:b");
        assertThat(r.json().get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void shouldGiveEveryOtherRequestItsOwnId() throws Exception {
        Api api = SharedBms.get().api;

        Api.Response none = api.getAnonymous("/v1/rules"); // 401, from the access check
        Api.Response insane = api.raw("GET", "/no/such/path", Map.of("X-Request-Id", "a b\tc"), null);
        Api.Response tooLong = api.send("GET", "/v1/rules/x", null, true, "X-Request-Id", "y".repeat(200));
        Api.Response ok = api.getAnonymous("/health/live");

        for (Api.Response r : List.of(none, insane, tooLong, ok)) {
            assertThat(r.header("X-Request-Id")).matches("[0-9a-f]{16}");
        }
        assertThat(none.json().get("requestId").asText()).isEqualTo(none.header("X-Request-Id"));
        assertThat(insane.status()).isEqualTo(404);
        assertThat(insane.json().get("requestId").asText()).isEqualTo(insane.header("X-Request-Id"));
        assertThat(List.of(none, insane, tooLong, ok).stream()
                        .map(r -> r.header("X-Request-Id"))
                        .distinct())
                .hasSize(4);
        assertThat(ok.body()).doesNotContain("requestId"); // only errors carry it in the body
    }

    @Test
    void shouldLogTheRequestWithItsIdInTheMdc() throws Exception {
        Api api = SharedBms.get().api;
        Logger access = (Logger) LoggerFactory.getLogger("dev.tokenplane.bms.http.access");
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        Level before = access.getLevel();
        access.setLevel(Level.DEBUG);
        access.addAppender(captured);
        try {
            Api.Response r = api.send("DELETE", "/v1/rules/no-such-rule-logged", null, true);
            String id = r.json().get("requestId").asText();

            dev.tokenplane.bms.support.Await.until(() -> captured.list.stream()
                    .anyMatch(e -> id.equals(e.getMDCPropertyMap().get("requestId"))));
            ILoggingEvent line = captured.list.stream()
                    .filter(e -> id.equals(e.getMDCPropertyMap().get("requestId")))
                    .findFirst()
                    .orElseThrow();
            assertThat(line.getFormattedMessage()).startsWith("DELETE /v1/rules/no-such-rule-logged 404 ");
        } finally {
            access.detachAppender(captured);
            access.setLevel(before);
        }
    }

    @Test
    void shouldPutTheIdOnTheAuditLineOfAnAdminWrite() throws Exception {
        Api api = SharedBms.get().api;
        Logger audit = (Logger) LoggerFactory.getLogger(dev.tokenplane.bms.audit.AuditLog.LOGGER);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        audit.addAppender(captured);
        try {
            Api.Response r = api.send(
                    "PUT",
                    "/v1/rules/rid-audited",
                    Map.of("match", "rid-audited:*", "capacity", 1, "refillPerSecond", 1),
                    true,
                    "X-Request-Id",
                    "audit-rid-7");
            assertThat(r.status()).isEqualTo(201);

            dev.tokenplane.bms.support.Await.until(() -> captured.list.stream()
                    .anyMatch(e -> "audit-rid-7".equals(e.getMDCPropertyMap().get("requestId"))));
        } finally {
            audit.detachAppender(captured);
        }
    }
}
