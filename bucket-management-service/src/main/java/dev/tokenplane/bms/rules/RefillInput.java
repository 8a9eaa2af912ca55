package dev.tokenplane.bms.rules;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A refill written as tokens per period, {@code {"tokens": 5, "period": "1m"}}: the way people state a limit, where
 * {@code refillPerSecond} would need {@code 0.083333}. The period is a whole number of {@code s}, {@code m}, {@code h}
 * or {@code d}, largest first ({@code 90s}, {@code 1h30m}), or an ISO-8601 duration ({@code PT1M}, {@code P1D}).
 *
 * @param tokens whole tokens added per period, at least 1
 * @param period how long the refill of {@code tokens} takes
 */
public record RefillInput(Long tokens, String period) {

    /** The longest period: a year (a rule's buckets must refill within the life of a deployment). */
    public static final Duration MAX_PERIOD = Duration.ofDays(365);
    /** Days, hours, minutes, seconds, each optional, in that order: {@code 1d}, {@code 90s}, {@code 1h30m}. */
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9}d)?(\\d{1,9}h)?(\\d{1,9}m)?(\\d{1,9}s)?");

    /**
     * The refill rate in tokens per second, validated.
     *
     * @throws InvalidInputException naming the field that is missing or malformed
     */
    public double perSecond() {
        check(tokens != null, "refill.tokens is required when refill is given");
        check(tokens >= 1, "refill.tokens must be >= 1, was " + tokens);
        check(period != null, "refill.period is required when refill is given");
        Duration d = parse(period);
        check(
                !d.isZero() && d.compareTo(MAX_PERIOD) <= 0,
                "refill.period must be > 0 and at most 365 days, was '" + period + "'");
        return tokens / (d.getSeconds() + d.getNano() / 1e9);
    }

    /** The stored form, echoed in responses beside the {@code refillPerSecond} it resolves to. */
    Rule.Refill toRefill() {
        return new Rule.Refill(tokens, period);
    }

    /** The period as a duration: the short form is read as the ISO-8601 form it abbreviates (1h30m is PT1H30M). */
    private static Duration parse(String text) {
        Matcher shortForm = SHORT.matcher(text);
        String iso = text;
        if (shortForm.matches()) {
            String days = shortForm.group(1) == null ? "" : shortForm.group(1);
            String time = text.substring(days.length());
            iso = "P" + days + (time.isEmpty() ? "" : "T" + time);
        }
        try {
            Duration d = Duration.parse(iso);
            check(!d.isNegative(), "refill.period must not be negative, was '" + text + "'");
            return d;
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException("refill.period must be a duration like 1m, 90s, 1h30m, 1d or ISO-8601 "
                    + "PT1M, was '" + text + "'");
        }
    }
}
