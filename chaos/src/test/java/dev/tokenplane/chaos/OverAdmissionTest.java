package dev.tokenplane.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverAdmissionTest {

    private static final long MS = 1_000_000L;
    private static final OverAdmission.Bound EXACT = OverAdmission.Bound.EXACT;

    private static Event grant(long sentMs, long answeredMs, long tokens) {
        return new Event("decide", "k", 1, sentMs * MS, answeredMs * MS, Http.Outcome.ANSWERED, 200, tokens);
    }

    private static Event denied(long atMs) {
        return new Event("decide", "k", 1, atMs * MS, atMs * MS, Http.Outcome.ANSWERED, 200, 0);
    }

    @Test
    void aBurstOfTheCapacityThenTheRefillRateIsNoExcess() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(grant(i, i + 1, 1)); // 20 at once
        }
        for (int s = 1; s <= 10; s++) {
            for (int i = 0; i < 10; i++) {
                events.add(grant(s * 1000L + i * 100, s * 1000L + i * 100 + 1, 1)); // 10 per second
            }
        }
        events.add(denied(5_000));

        OverAdmission.Result r = OverAdmission.measure(events, 20, 10, EXACT, 0, 12);

        assertThat(r.excess()).isLessThanOrEqualTo(0.2); // a window's edges carry a ms or two of refill
        assertThat(r.withinBound()).isTrue();
    }

    @Test
    void grantsBeyondTheBucketAreCountedAndJudgedAgainstTheBound() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(grant(0, 1, 1)); // 30 within 1 ms from a bucket of 20
        }

        OverAdmission.Result exact = OverAdmission.measure(events, 20, 10, EXACT, 0, 2);
        OverAdmission.Result twoSides = OverAdmission.measure(events, 20, 10, new OverAdmission.Bound(2, 0), 0, 2);

        assertThat(exact.excess()).isCloseTo(10, within(0.02));
        assertThat(exact.withinBound()).isFalse();
        assertThat(exact.bySecond()[0]).isCloseTo(10, within(0.02));
        assertThat(twoSides.excess()).isCloseTo(10, within(0.02));
        assertThat(twoSides.withinBound()).isTrue();
    }

    @Test
    void aSlowAnswerIsNotReadAsAGrantInsideAShortWindow() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(grant(0, 1, 1));
        }
        // sent at 0, answered 3 s later (a frozen member): granted somewhere in those 3 s, when 30 more had refilled
        for (int i = 0; i < 25; i++) {
            events.add(grant(0, 3_000, 1));
        }

        OverAdmission.Result r = OverAdmission.measure(events, 20, 10, EXACT, 0, 4);

        assertThat(r.excess()).isZero();
    }

    @Test
    void releasedTokensMakeRoomForLaterGrants() {
        List<Event> events = new ArrayList<>();
        events.add(grant(0, 1, 20));
        events.add(new Event("release", "k", 1, 2 * MS, 3 * MS, Http.Outcome.ANSWERED, 200, -5));
        events.add(grant(4, 5, 5));

        assertThat(OverAdmission.measure(events, 20, 10, EXACT, 0, 1).excess()).isCloseTo(0, within(0.1));

        events.remove(1); // without the release the same grants are 5 too many
        assertThat(OverAdmission.measure(events, 20, 10, EXACT, 0, 1).excess()).isCloseTo(5, within(0.1));
    }

    @Test
    void aClockAheadWidensTheBoundByItsRefill() {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(grant(0, 1, 1)); // 20 over a full bucket: a partition moved to a clock 2 s ahead
        }

        assertThat(OverAdmission.measure(events, 20, 10, new OverAdmission.Bound(1, 2), 0, 1)
                        .withinBound())
                .isTrue();
        assertThat(OverAdmission.measure(events, 20, 10, new OverAdmission.Bound(1, 1), 0, 1)
                        .withinBound())
                .isFalse();
    }
}
