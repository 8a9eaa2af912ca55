package dev.tokenplane.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators type them: {@code 90s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 1h30m}. */
final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

    private Durations() {}

    static Duration parse(String text) {
        if (text == null || text.isEmpty() || !text.matches("(\\d+[smhd])+")) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 90s, 10m, 2h, 1d or 1h30m");
        }
        Duration d = Duration.ZERO;
        Matcher m = PART.matcher(text);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(
                    switch (m.group(2)) {
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    });
        }
        return d;
    }

    /** How long ago {@code epochMillis} was, roughly: {@code 3s}, {@code 5m}, {@code 2h}. */
    static String ago(long epochMillis, long nowMillis) {
        long s = Math.max(0, nowMillis - epochMillis) / 1000;
        return s < 120 ? s + "s" : s < 7200 ? s / 60 + "m" : s / 3600 + "h";
    }
}
