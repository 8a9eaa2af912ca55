package dev.tokenplane.chaos;

/**
 * One call of the load generator, as the measurements read it.
 *
 * @param kind     {@code decide}, {@code lease}, {@code release} or {@code pool}
 * @param key      the bucket key
 * @param member   the member called (1..3)
 * @param sent     when the request left (System.nanoTime)
 * @param answered when the answer (or the failure) came
 * @param outcome  answered, certainly not applied, or unknown
 * @param status   the HTTP status when answered
 * @param tokens   tokens taken from the bucket (a grant), negative for tokens given back (a release's credit); for
 *                 an {@link Http.Outcome#UNKNOWN} call, what it would have taken or given had it applied
 */
record Event(
        String kind, String key, int member, long sent, long answered, Http.Outcome outcome, int status, long tokens) {

    boolean granted() {
        return outcome == Http.Outcome.ANSWERED && status == 200 && tokens > 0;
    }

    /** Cut or timed out after it was sent, or a 5xx (a deadline that passed while the owner may still apply it). */
    boolean unknown() {
        return outcome == Http.Outcome.UNKNOWN || (outcome == Http.Outcome.ANSWERED && status >= 500);
    }

    /** A decision (acquire or lease) that got an answer, granted or denied, within {@code millis}. */
    boolean answeredWithin(long millis) {
        return outcome == Http.Outcome.ANSWERED && status == 200 && (answered - sent) <= millis * 1_000_000L;
    }

    boolean isDecision() {
        return !kind.equals("release");
    }
}
