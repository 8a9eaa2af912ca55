package dev.tokenplane.runtime;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Logback's {@link JsonEncoder} (one JSON object a line, MDC included), with the event's time first as an ISO-8601
 * string with its zone offset ({@code "time":"2026-12-06T17:22:07.123456Z"}): logback writes only epoch millis, which
 * neither people nor most log shippers read as a time.
 */
public final class IsoJsonEncoder extends JsonEncoder {
    /** The field holding the ISO-8601 time. */
    public static final String TIME = "time";

    private static final DateTimeFormatter ISO =
            DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

    public IsoJsonEncoder() {
        setWithFormattedMessage(true);
        setWithMessage(false);
        setWithArguments(false);
        setWithSequenceNumber(false);
        setWithNanoseconds(false);
        setWithContext(false);
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] json = super.encode(event);
        if (json.length == 0 || json[0] != '{') {
            return json;
        }
        byte[] time =
                ("{\"" + TIME + "\":\"" + ISO.format(event.getInstant()) + "\",").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[time.length + json.length - 1];
        System.arraycopy(time, 0, out, 0, time.length);
        System.arraycopy(json, 1, out, time.length, json.length - 1);
        return out;
    }
}
