package dev.tokenplane.bms.rules;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tokenplane.bms.rules.InvalidInputException.check;

/**
 * A refill written as tokens per period, {@code {"tokens": 5, "period": "1m"}}: the way people state a limit, where
 * {@code refillPerSecond} would need {@code 0.083333}. The period is a whole number of {@code s}, {@code m}, {@code h}
 * or {@code d} ({@code 90s}, {@code 1h30m}) or an ISO-8601 duration ({@code PT1M}, {@code P1D}).
 *
 * @param tokens whole tokens added per period, at least 1
 * @param period how long the refill of {@code tokens} takes
 */
public record RefillInput(Long tokens, String period) {

    /** The longest period: a year (a rule's buckets must refill within the life of a deployment). */
    public static final Duration MAX_PERIOD = Duration.ofDays(365);
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9}[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})([smhd])");

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
        check(!d.isZero() && d.compareTo(MAX_PERIOD) <= 0, "refill.period must be > 0 and at most 365 days, was '"
                + period + "'");
        return tokens / (d.getSeconds() + d.getNano() / 1e9);
    }

    /** The stored form, echoed in responses beside the {@code refillPerSecond} it resolves to. */
    Rule.Refill toRefill() {
        return new Rule.Refill(tokens, period);
    }

    private static Duration parse(String text) {
        if (SHORT.matcher(text).matches()) {
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(text);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                d = d.plus(switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return d;
        }
        if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
            try {
                Duration d = Duration.parse(text);
                check(!d.isNegative(), "refill.period must not be negative, was '" + text + "'");
                return d;
            } catch (DateTimeParseException | ArithmeticException e) {
                // answered below
            }
        }
        throw new InvalidInputException("refill.period must be a duration like 1m, 90s, 1h30m, 1d or ISO-8601 "
                + "PT1M, was '" + text + "'");
    }
}
