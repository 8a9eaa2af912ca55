package dev.tokenplane.bms.audit;

import java.time.Instant;
import java.util.Locale;

/**
 * One admin write, as the audit log keeps it. Never holds a secret: the credential is named, the body is not kept.
 *
 * @param id            unique, and ordered by time: {@code <at, 13 digits>-<member tag>-<sequence>}
 * @param at            epoch millis the answer was sent, on the serving member's clock
 * @param credential    the name of the credential ({@code admin}, never the token)
 * @param method        the HTTP method
 * @param path          the request path
 * @param route         the route's path template ({@code /v1/rules/:ruleId})
 * @param object        the object written: the route's path parameter (a rule id, bucket key or pool)
 * @param status        the HTTP status answered
 * @param versionBefore the version of the live object before the write; null when there was none
 * @param versionAfter  the version of the live object after the write; null when there is none (deleted)
 * @param member        the member that served the write ({@code host:port} of its Hazelcast endpoint)
 */
public record AuditRecord(
        String id,
        long at,
        String credential,
        String method,
        String path,
        String route,
        String object,
        int status,
        Long versionBefore,
        Long versionAfter,
        String member) {

    /** The id of the {@code sequence}-th record of the member tagged {@code memberTag}, written at {@code at}. */
    public static String id(long at, String memberTag, long sequence) {
        return String.format(Locale.ROOT, "%013d-%s-%08x", at, memberTag, sequence);
    }

    /** The smallest id a record written at or after {@code at} can have (every id at {@code at} sorts after it). */
    public static String lowerBound(long at) {
        return String.format(Locale.ROOT, "%013d", Math.max(0, at));
    }

    /** {@link #at} as ISO-8601, for people reading the JSON. */
    public String time() {
        return Instant.ofEpochMilli(at).toString();
    }

    /** The key=value line of the audit logger. Values are quoted when they hold spaces or quotes. */
    public String logLine() {
        return "audit id=" + id + " credential=" + quote(credential) + " method=" + method + " path=" + quote(path)
                + " object=" + quote(object) + " status=" + status + " versionBefore=" + versionBefore
                + " versionAfter=" + versionAfter + " member=" + member;
    }

    private static String quote(String v) {
        if (v == null) {
            return "null";
        }
        return v.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '=')
                ? '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"'
                : v;
    }
}
